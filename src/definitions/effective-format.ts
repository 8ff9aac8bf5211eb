// Which value each format field takes, and where it came from: the definition, the config's defaults.format,
// or the built-in defaults. Rules need the origin to point at the right place and to say why.

import { BUILT_IN_FORMAT_DEFAULTS } from '../contract/export-format.js';
import type { FormatDefaults } from '../contract/export-format.js';
import type { ProjectConfig } from '../config/project-config.js';

export type ValueOrigin = 'definition' | 'config' | 'built-in';

export interface EffectiveValue<T> {
  value: T;
  origin: ValueOrigin;
}

export type EffectiveFormat = { [K in keyof FormatDefaults]: EffectiveValue<FormatDefaults[K]> };

export function effectiveFormat(
  definitionFormat: Partial<FormatDefaults>,
  config: Pick<ProjectConfig, 'defaults'>,
): EffectiveFormat {
  const pick = <K extends keyof FormatDefaults>(key: K): EffectiveValue<FormatDefaults[K]> => {
    const own = definitionFormat[key];
    if (own !== undefined) return { value: own, origin: 'definition' };
    const configured = config.defaults.format[key];
    if (configured !== undefined) return { value: configured, origin: 'config' };
    return { value: BUILT_IN_FORMAT_DEFAULTS[key], origin: 'built-in' };
  };
  return {
    delimiter: pick('delimiter'),
    quoteCharacter: pick('quoteCharacter'),
    escapeCharacter: pick('escapeCharacter'),
    columnAlignment: pick('columnAlignment'),
    sanitizeSpecialCharacters: pick('sanitizeSpecialCharacters'),
  };
}

export function describeOrigin(origin: ValueOrigin): string {
  return origin === 'config' ? ' (from config defaults.format)' : origin === 'built-in' ? ' (the default)' : '';
}
