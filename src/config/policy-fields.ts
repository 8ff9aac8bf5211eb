// What a policy rule may read of a change: its fields, their CEL types (for the type check) and what each means
// (the reference, docs/reference/policies.md, is generated from this table).

/** The shape a rule may read, for the type check: an unknown field is an error when the config is read. */
export const CHANGE_SCHEMA = {
  export: 'string',
  environment: 'string',
  action: 'string',
  spec: {
    dataActionId: 'string',
    datasetId: 'string',
    callbackUrl: 'string',
    format: {
      delimiter: 'string',
      quoteCharacter: 'string',
      escapeCharacter: 'string',
      maxRows: 'int',
      columnAlignment: 'bool',
      sanitizeSpecialCharacters: 'bool',
    },
  },
  before: 'dyn',
  labels: 'map<string, string>',
  changedFields: 'list<string>',
  promotion: 'string',
} as const;

/** Each field a rule may read, its CEL type and its meaning, for the reference. */
export const CHANGE_FIELDS: readonly [path: string, type: string, meaning: string][] = [
  ['change.export', 'string', "the export's name (`metadata.name`)"],
  ['change.environment', 'string', 'the environment the plan is for (`default` in a config without environments)'],
  [
    'change.action',
    'string',
    '`create`, `update`, `replace` (`--replace`, or an unknown outcome resubmitted), `retry`, `run` (a due tick), `delete` (removed from the files) or `blocked` (held by the promotion gate or `--schedule-only`)',
  ],
  ['change.spec', 'map', "the definition as it would be sent, merged with the environment's overrides and defaults"],
  ['change.spec.dataActionId', 'string', 'the Data Action executed'],
  ['change.spec.datasetId', 'string', 'the Data Prep dataset exported'],
  ['change.spec.callbackUrl', 'string', 'where CXone posts the completion, or "" for none'],
  ['change.spec.format.delimiter', 'string', 'the delimiter as sent (`,`, `|`, `;`, or a tab)'],
  ['change.spec.format.quoteCharacter', 'string', 'the quote character'],
  ['change.spec.format.escapeCharacter', 'string', 'the escape character'],
  ['change.spec.format.maxRows', 'int', 'the row limit'],
  ['change.spec.format.columnAlignment', 'bool', 'whether columns are aligned'],
  ['change.spec.format.sanitizeSpecialCharacters', 'bool', 'whether special characters are sanitized'],
  ['change.before', 'map or null', 'the spec the state holds (the last one applied), or null for a new export'],
  [
    'change.labels',
    'map(string, string)',
    '`metadata.labels`; reading a label the export lacks is an error, so test with `has(change.labels.team)` or `"team" in change.labels`',
  ],
  ['change.changedFields', 'list(string)', 'the changed field paths, e.g. `spec.format.maxRows`'],
  [
    'change.promotion',
    'string',
    '`promoted`, `not promoted`, `environment-only` (a change the environment it is promoted from does not share), or `not needed` (that environment lacks the export, or there is no promotion)',
  ],
];
