// --target and --replace: export names or globs, each of which must match something.

import picomatch from 'picomatch';
import { closestMatch } from '../diagnostics/did-you-mean.js';
import { UsageError } from '../errors.js';

/** The names that the patterns select; throws when a pattern selects nothing. */
export function selectNames(
  patterns: readonly string[],
  known: readonly string[],
  flag: '--target' | '--replace',
): Set<string> {
  const selected = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const matches = picomatch(pattern);
    const hits = known.filter((name) => matches(name));
    if (hits.length === 0) unmatched.push(pattern);
    for (const hit of hits) selected.add(hit);
  }
  if (unmatched.length > 0) {
    const hints = unmatched.map((pattern) => {
      const suggestion = closestMatch(pattern, known);
      return suggestion === undefined ? pattern : `${pattern} (did you mean ${suggestion}?)`;
    });
    throw new UsageError(`${flag} matches no export: ${hints.join(', ')}`, {
      hint: `${flag} takes export names (metadata.name) or globs such as "billing-*". Known exports: ${known.length === 0 ? '(none)' : known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.`,
    });
  }
  return selected;
}
