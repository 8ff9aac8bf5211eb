// JSON Schema validation with ajv, turned into problems a person can act on: the path, what is wrong, the
// allowed values and, for typos, what was probably meant. The validators are compiled at build time (ajv's
// standalone code, see schema-compiler.ts), so a command starts without compiling a schema or loading ajv.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type Ajv2020Type from 'ajv/dist/2020.js';
import type AjvFormatsType from 'ajv-formats';
import { PACKAGE_ROOT } from '../package-files.js';
import { requireCompiledValidator } from './compiled-validators.js';
import { closestMatch } from './did-you-mean.js';
import { formatJsonPath, parseJsonPointer } from './json-pointer.js';
import type { LocateTarget } from './yaml-document.js';
import type { RuleCode } from './rule-codes.js';

export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas/');

export type SchemaName = 'export' | 'config' | 'state' | 'plan' | 'audit-event' | 'callback-event';

export interface SchemaProblem {
  path: string[];
  /** Whether the problem is best shown at the key or at the value. */
  target: LocateTarget;
  message: string;
  rule: RuleCode;
}

export type SchemaCheck = (value: unknown) => SchemaProblem[];

const validators = new Map<SchemaName, ValidateFunction>();
// Named apart from `require`: the bundle defines a module-wide `require` of its own (see build/finish-build.ts).
const requireCommonJs = createRequire(import.meta.url);

/** The named schema's validator: the one compiled at build time for this very schema text, else compiled now. */
export function schemaCheck(name: SchemaName): SchemaCheck {
  let validate = validators.get(name);
  if (validate === undefined) {
    const text = readFileSync(`${SCHEMAS_DIR}${name}.schema.json`, 'utf8');
    validate = compiledAtBuild(name, text) ?? compileNow(JSON.parse(text) as Record<string, unknown>);
    validators.set(name, validate);
  }
  const compiled = validate;
  return (value) => (compiled(value) ? [] : describeErrors(compiled.errors ?? []));
}

export function loadSchema(fileName: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${SCHEMAS_DIR}${fileName}`, 'utf8')) as Record<string, unknown>;
}

/** The validator the build compiled from this very schema text, if there is one: of another text it is not used. */
function compiledAtBuild(name: SchemaName, text: string): ValidateFunction | undefined {
  let compiled: { validate: ValidateFunction; schemaText: string };
  try {
    compiled = requireCompiledValidator(name) as typeof compiled;
  } catch (error) {
    // Not built (the sources run directly, as the unit tests do): compile at run time instead.
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  return compiled.schemaText === text ? compiled.validate : undefined;
}

function compileNow(schema: Record<string, unknown>): ValidateFunction {
  return createAjv().compile(schema);
}

/** An ajv set up the way every schema of this project is checked: all errors, strict, with formats. */
export function createAjv(options: { standalone?: boolean } = {}): Ajv2020Type.default {
  // CommonJS, loaded only when a schema is compiled: ajv's compiler is the slowest part of a start, and a build
  // makes it unnecessary.
  const Ajv2020 = (requireCommonJs('ajv/dist/2020.js') as typeof Ajv2020Type).default;
  const addFormats = (requireCommonJs('ajv-formats') as typeof AjvFormatsType).default;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    verbose: true,
    ...(options.standalone === true ? { code: { source: true } } : {}),
  });
  addFormats(ajv);
  // Editor hint understood by the YAML and JSON language servers; for ajv it is an annotation only.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  return ajv;
}

function describeErrors(errors: ErrorObject[]): SchemaProblem[] {
  // A wrong type makes every other complaint about the same value noise.
  const typeErrorPaths = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (error.keyword !== 'type' && typeErrorPaths.has(error.instancePath)) continue;
    // ajv reports a bad property name twice: once from the inner schema, once as `propertyNames`.
    if ((error as { propertyName?: string }).propertyName !== undefined) continue;
    problems.push(describeError(error));
  }
  return problems;
}

function describeError(error: ErrorObject): SchemaProblem {
  const path = parseJsonPointer(error.instancePath);
  const where = formatJsonPath(path);
  const rule: RuleCode = `schema/${error.keyword}`;
  const params = error.params as Record<string, unknown>;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const got = describeValue(error.data);

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return { path, target: 'key', rule, message: `${where} is missing the required key "${missing}"` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parentSchema.properties ?? {});
      const suggestion = closestMatch(key, allowed);
      const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
      const owner = path.length === 0 ? 'the document' : where;
      return {
        path: [...path, key],
        target: 'key',
        rule,
        message: `${owner} has an unknown key "${key}".${hint} Allowed keys: ${allowed.join(', ')}.`,
      };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      return {
        path: [...path, key],
        target: 'key',
        rule,
        message: `${where} has an invalid key "${key}": keys use letters, digits, '.', '_', '/' and '-'`,
      };
    }
    case 'type':
      return { path, target: 'value', rule, message: `${where} must be ${article(String(params.type))}, not ${got}` };
    case 'const':
      return {
        path,
        target: 'value',
        rule,
        message: `${where} must be ${JSON.stringify(params.allowedValue)}, not ${got}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const values = (params.allowedValues as unknown[]).map(String);
      const escaped = typeof error.data === 'string' ? escapedControl(error.data, values) : undefined;
      const suggestion =
        escaped === undefined && typeof error.data === 'string' ? closestMatch(error.data, values) : undefined;
      const hint = escaped ?? (suggestion === undefined ? '' : ` Did you mean ${JSON.stringify(suggestion)}?`);
      return {
        path,
        target: 'value',
        rule,
        message: `${where} must be one of ${allowed.join(', ')}, not ${got}.${hint}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const symbol = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[error.keyword];
      return { path, target: 'value', rule, message: `${where} must be ${symbol} ${String(params.limit)}, not ${got}` };
    }
    case 'minLength':
    case 'maxLength': {
      if (parentSchema.minLength === 1 && parentSchema.maxLength === 1) {
        return {
          path,
          target: 'value',
          rule: 'single-character',
          message: `${where} must be exactly one character, not ${got}`,
        };
      }
      if (error.keyword === 'minLength') return { path, target: 'value', rule, message: `${where} must not be empty` };
      return {
        path,
        target: 'value',
        rule,
        message: `${where} must be at most ${String(params.limit)} characters long, not ${got}`,
      };
    }
    case 'pattern': {
      const explained =
        typeof parentSchema.patternErrorMessage === 'string'
          ? parentSchema.patternErrorMessage
          : `must match ${String(params.pattern)}`;
      return { path, target: 'value', rule, message: `${where} ${explained}, not ${got}` };
    }
    case 'format':
      return { path, target: 'value', rule, message: `${where} must be a valid ${String(params.format)}, not ${got}` };
    default:
      return { path, target: 'value', rule, message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  const named: Record<string, string> = {
    object: 'a map of keys',
    array: 'a list',
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    null: 'null',
  };
  return named[type] ?? `of type ${type}`;
}

/** A short, safe rendering of the offending value. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/**
 * '\\t' in single quotes (or plain) is a backslash and a t, not a tab: YAML turns escapes into characters only in
 * double quotes. Said plainly, since an edit-distance guess would point somewhere unrelated.
 */
function escapedControl(value: string, allowed: readonly string[]): string | undefined {
  // The character each two-letter escape stands for, and its name. A Map, not an object: a value such as
  // "valueOf" must not find Object.prototype's members.
  const meant = new Map([
    ['\\t', { char: '\t', name: 'tab' }],
    ['\\n', { char: '\n', name: 'newline' }],
  ]).get(value);
  if (meant === undefined) return undefined;
  const ways = [
    ...(allowed.includes(meant.name) ? [meant.name] : []),
    ...(allowed.includes(meant.char) ? [`${JSON.stringify(meant.char)} in double quotes`] : []),
  ];
  return ` That is a backslash and a letter, not a ${meant.name}: YAML reads escapes only inside double quotes.${ways.length > 0 ? ` Write ${ways.join(', or ')}.` : ''}`;
}
