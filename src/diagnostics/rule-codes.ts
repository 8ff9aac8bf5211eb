// Every rule code a diagnostic can carry, with what it means: scripts match the `rule` field of
// `validate --format json`, and the reference (docs/reference/rule-codes.md) is generated from this table.
// A diagnostic's rule is typed by it, so a new code cannot be used without its meaning.

export const RULE_CODES = {
  'yaml/<code>': 'YAML syntax, as the parser names it: for example `yaml/duplicate-key` or `yaml/bad-indent`',
  'yaml/alias-limit': 'the document expands more than 100 aliases (the billion-laughs guard)',
  'schema/<keyword>':
    'a JSON Schema violation, named by its keyword: `required`, `additionalProperties`, `type`, `enum`, `const`, `minimum`, `maximum`, `pattern`, `format`, `propertyNames`',
  'no-control-characters': 'a value holds a control character (U+0000 to U+001F but tab, or U+007F)',
  'single-character': '`quoteCharacter` or `escapeCharacter` is not exactly one character',
  'delimiter-allowed': "the delimiter is valid for CXone, but not in this project's `limits.delimiters`",
  'max-rows-range': "`maxRows` is above this project's `limits.maxRows`",
  'sanitize-collision': 'with `sanitizeSpecialCharacters` on, the delimiter equals the quote or escape character',
  'callback-url': '`callbackUrl` is not https (or loopback http), or it carries credentials or a token',
  'unique-name': 'two definitions share `metadata.name`',
  'schedule-cron': 'the schedule is not a cron expression of the supported dialect; the message says what to write',
  'schedule-day-fields': 'day-of-month and day-of-week are both restricted, which cron reads as either',
  'schedule-interval': 'the schedule runs more often than `limits.minScheduleInterval` allows',
  'schedule-never-runs': 'the schedule names a date that never comes (February 30th, say)',
  'schedule-time-zone': 'the time zone is not an IANA name this Node.js knows',
  'environment-name': 'an environment of the config, or one a definition names, is not a valid or known name',
  'shared-state': 'two environments would share one state (the same `stateName` or state folder)',
  'backend-option': 'an option of one backend is set for another (`backend.schema` with the local backend, say)',
  'backend-schema': "`backend.schema` names one of PostgreSQL's own schemas (`pg_…`, `information_schema`)",
  'backoff-range': 'config `apply.backoff.capMs` is below `baseMs`',
  'policy-rule':
    'a policy of the config does not compile, reads a field a change does not have, is not true or false, or shares its name',
  'env-url': '`CXONE_AUTH_URL` or `CXONE_API_URL` is not an http(s) URL',
  'io/not-found': 'a path given to `validate` does not exist',
  'io/read': 'a file cannot be read (permissions, a folder where a file was expected)',
  'io/encoding': 'a file is not UTF-8 text',
  'io/symlink': 'a symbolic link leads nowhere, or back to itself',
  'io/not-a-file': 'a path is a socket, a device or a pipe, not a regular file',
  'too-many-problems': 'a file has so many problems that the rest are left out; fix these first',
} as const;

type Listed = keyof typeof RULE_CODES;
/** A rule code: one of the table's, or one of its families (`yaml/…`, `schema/…`). */
export type RuleCode = Exclude<Listed, 'yaml/<code>' | 'schema/<keyword>'> | `yaml/${string}` | `schema/${string}`;
