// The contract's client-side rules (docs/design/cxone-contract.md §2) that a JSON Schema cannot express: they depend on
// the project config, or on two fields at once.

import type { ProjectConfig } from '../config/project-config.js';
import { callbackUrlProblem } from '../contract/callback-url.js';
import { delimiterCharacter, delimiterName } from '../contract/export-format.js';
import type { FormatDefaults } from '../contract/export-format.js';
import type { LocateTarget } from '../diagnostics/yaml-document.js';
import { describeOrigin, effectiveFormat } from './effective-format.js';
import type { RuleCode } from '../diagnostics/rule-codes.js';

export interface RuleProblem {
  path: string[];
  target: LocateTarget;
  message: string;
  rule: RuleCode;
  /** A warning is reported but does not make the definition invalid. */
  severity?: 'warning';
}

/** The parts of a definition the rules read; any of them may be missing or mistyped (the schema says so). */
export interface RawDefinitionShape {
  spec?: {
    format?: Partial<FormatDefaults> & { maxRows?: unknown };
    callbackUrl?: unknown;
  };
}

export type RuleConfig = Pick<ProjectConfig, 'limits' | 'defaults'> & {
  /** The environment definitions are checked for (its overrides merged in), and the ones the config defines. */
  environment?: { name: string | undefined; names: readonly string[] };
};

const FORMAT = ['spec', 'format'];

export function checkContractRules(document: RawDefinitionShape, config: RuleConfig): RuleProblem[] {
  const rawFormat = document.spec?.format;
  if (rawFormat === undefined || typeof rawFormat !== 'object' || rawFormat === null) return [];
  const problems: RuleProblem[] = [];
  const format = effectiveFormat(onlyStrings(rawFormat), config);
  // A defaulted value has no line of its own; point at the format map that left it out.
  const at = (key: string, origin: string) =>
    origin === 'definition'
      ? { path: [...FORMAT, key], target: 'value' as const }
      : { path: FORMAT, target: 'key' as const };

  const name = typeof format.delimiter.value === 'string' ? delimiterName(format.delimiter.value) : undefined;
  if (name !== undefined && !config.limits.delimiters.includes(name)) {
    problems.push({
      ...at('delimiter', format.delimiter.origin),
      rule: 'delimiter-allowed',
      message: `spec.format.delimiter ${name}${describeOrigin(format.delimiter.origin)} is not allowed by this project's config; allowed: ${config.limits.delimiters.join(', ')} (limits.delimiters)`,
    });
  }

  const maxRows = rawFormat.maxRows;
  if (typeof maxRows === 'number' && Number.isInteger(maxRows) && maxRows >= 1 && maxRows > config.limits.maxRows) {
    problems.push({
      path: [...FORMAT, 'maxRows'],
      target: 'value',
      rule: 'max-rows-range',
      message: `spec.format.maxRows must be between 1 and ${config.limits.maxRows} (this project's limits.maxRows), not ${maxRows}`,
    });
  }

  const delimiter = typeof format.delimiter.value === 'string' ? delimiterCharacter(format.delimiter.value) : undefined;
  if (format.sanitizeSpecialCharacters.value === true && delimiter !== undefined) {
    for (const key of ['quoteCharacter', 'escapeCharacter'] as const) {
      if (format[key].value !== delimiter) continue;
      problems.push({
        ...at(key, format[key].origin),
        rule: 'sanitize-collision',
        message: `spec.format.${key} ${JSON.stringify(delimiter)}${describeOrigin(format[key].origin)} equals the delimiter; with sanitizeSpecialCharacters on they must differ. Choose another ${key === 'quoteCharacter' ? 'quote' : 'escape'} character or another delimiter`,
      });
    }
  }

  const ownUrl = document.spec?.callbackUrl;
  if (typeof ownUrl === 'string') {
    const why = callbackUrlProblem(ownUrl);
    if (why !== undefined)
      problems.push({
        path: ['spec', 'callbackUrl'],
        target: 'value',
        rule: 'callback-url',
        message: `spec.callbackUrl ${why}`,
      });
  }
  return problems;
}

function onlyStrings(format: Record<string, unknown>): Partial<FormatDefaults> {
  // Mistyped fields are the schema's to report; the rules treat them as absent.
  const out: Partial<FormatDefaults> = {};
  for (const key of ['delimiter', 'quoteCharacter', 'escapeCharacter'] as const)
    if (typeof format[key] === 'string') out[key] = format[key];
  for (const key of ['columnAlignment', 'sanitizeSpecialCharacters'] as const)
    if (typeof format[key] === 'boolean') out[key] = format[key];
  return out;
}
