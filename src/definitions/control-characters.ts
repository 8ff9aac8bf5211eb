// Control characters in a definition's values: a NUL (YAML's "\0" escape) or a bell has no place in an id, a
// name or a URL, and CXone would store or reject it unpredictably. Tabs and line breaks stay allowed.

import type { RuleProblem } from './contract-rules.js';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function controlCharacterProblems(value: unknown, path: string[] = []): RuleProblem[] {
  if (typeof value === 'string') {
    const found = CONTROL.exec(value);
    if (found === null) return [];
    const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    const name = code === '0000' ? ' (NUL)' : '';
    return [
      {
        path,
        target: 'value',
        message: `contains the control character U+${code}${name} at position ${found.index + 1}; remove it`,
        rule: 'no-control-characters' as const,
      },
    ];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => controlCharacterProblems(item, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(CONTROL.test(key)
        ? [
            {
              path: [...path, key],
              target: 'key' as const,
              message: 'this key contains a control character; remove it',
              rule: 'no-control-characters' as const,
            },
          ]
        : []),
      ...controlCharacterProblems(item, [...path, key]),
    ]);
  }
  return [];
}
