// The execution request body of docs/design/cxone-contract.md §2, exactly: built by the client, checked by the
// simulator.

import { HARD_MAX_ROWS, characterCount } from './export-format.js';

/** The CSV settings a payload carries, as a normalized definition holds them. */
export interface CsvSettings {
  delimiter: string;
  quoteCharacter: string;
  escapeCharacter: string;
  maxRows: number;
  columnAlignment: boolean;
}

export interface ExecutionPayload {
  dataActionId: string;
  datasetId: string;
  export: { format: 'csv' } & CsvSettings;
  callbackUrl?: string;
}

/** What a payload is built from: a normalized definition spec. */
export interface PayloadSource {
  dataActionId: string;
  datasetId: string;
  format: CsvSettings;
  callbackUrl?: string;
}

/** `sanitizeSpecialCharacters` is a client-side rule and is deliberately not sent. */
export function buildExecutionPayload(
  spec: PayloadSource,
  callbackUrl: string | undefined = spec.callbackUrl,
): ExecutionPayload {
  return {
    dataActionId: spec.dataActionId,
    datasetId: spec.datasetId,
    export: {
      format: 'csv',
      delimiter: spec.format.delimiter,
      quoteCharacter: spec.format.quoteCharacter,
      escapeCharacter: spec.format.escapeCharacter,
      maxRows: spec.format.maxRows,
      columnAlignment: spec.format.columnAlignment,
    },
    ...(callbackUrl === undefined ? {} : { callbackUrl }),
  };
}

export interface PayloadProblem {
  field: string;
  message: string;
}

const ALLOWED_DELIMITERS = [',', '|', ';', '\t'];
const TOP_LEVEL = new Set(['dataActionId', 'datasetId', 'export', 'callbackUrl']);
const EXPORT_FIELDS = new Set([
  'format',
  'delimiter',
  'quoteCharacter',
  'escapeCharacter',
  'maxRows',
  'columnAlignment',
]);

/** What CXone's server would reject in a payload, field by field (the simulator answers 400 with these). */
export function payloadProblems(body: unknown): PayloadProblem[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return [{ field: '(body)', message: 'the body must be a JSON object' }];
  const payload = body as Record<string, unknown>;
  const problems: PayloadProblem[] = [];
  for (const key of Object.keys(payload))
    if (!TOP_LEVEL.has(key)) problems.push({ field: key, message: `unknown field "${key}"` });
  for (const key of ['dataActionId', 'datasetId']) {
    const value = payload[key];
    if (typeof value !== 'string' || value.trim() === '')
      problems.push({ field: key, message: `${key} must be a non-empty string` });
  }
  if (
    payload.callbackUrl !== undefined &&
    (typeof payload.callbackUrl !== 'string' || !/^https?:\/\//.test(payload.callbackUrl))
  ) {
    problems.push({ field: 'callbackUrl', message: 'callbackUrl must be an http(s) URL when present' });
  }
  const exported = payload.export;
  if (exported === null || typeof exported !== 'object' || Array.isArray(exported)) {
    problems.push({ field: 'export', message: 'export must be an object' });
    return problems;
  }
  const format = exported as Record<string, unknown>;
  for (const key of Object.keys(format))
    if (!EXPORT_FIELDS.has(key)) problems.push({ field: `export.${key}`, message: `unknown field "export.${key}"` });
  if (format.format !== 'csv') problems.push({ field: 'export.format', message: 'export.format must be "csv"' });
  if (typeof format.delimiter !== 'string' || !ALLOWED_DELIMITERS.includes(format.delimiter)) {
    problems.push({
      field: 'export.delimiter',
      message: 'export.delimiter must be one of "," "|" ";" and a tab character',
    });
  }
  for (const key of ['quoteCharacter', 'escapeCharacter']) {
    const value = format[key];
    if (typeof value !== 'string' || characterCount(value) !== 1)
      problems.push({ field: `export.${key}`, message: `export.${key} must be exactly one character` });
  }
  const maxRows = format.maxRows;
  if (typeof maxRows !== 'number' || !Number.isInteger(maxRows) || maxRows < 1 || maxRows > HARD_MAX_ROWS) {
    problems.push({ field: 'export.maxRows', message: `export.maxRows must be an integer from 1 to ${HARD_MAX_ROWS}` });
  }
  if (typeof format.columnAlignment !== 'boolean')
    problems.push({ field: 'export.columnAlignment', message: 'export.columnAlignment must be a boolean' });
  return problems;
}
