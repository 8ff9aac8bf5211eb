// Which environments `--env` selects: one name, a comma-separated list, a shell-style pattern (`acme-*`,
// `*-production`), or `all`. Pure: the config's environment names in, the selected names out (in the config's
// order), or a usage error that lists what the config defines.

import picomatch from 'picomatch';
import { closestMatch } from '../diagnostics/did-you-mean.js';
import { UsageError } from '../errors.js';

/** `--env all`: every environment the config defines. */
export const EVERY_ENVIRONMENT = 'all';

/** True when `choice` may stand for several environments (a list, a pattern or `all`), not one name. */
export function isSelection(choice: string | undefined): boolean {
  return choice !== undefined && (choice === EVERY_ENVIRONMENT || /[,*?[]/.test(choice));
}

export interface SelectionLimits {
  /** Refuse a selection of more environments than this (`--max-environments`, `runs.maxEnvironments`). */
  maxEnvironments?: number | undefined;
}

/** The environments `choice` selects from `names`, in the config's order, each once. */
export function selectEnvironments(choice: string, names: readonly string[], limits: SelectionLimits = {}): string[] {
  if (names.length === 0)
    throw new UsageError(`--env ${choice}: this config defines no environments`, {
      hint: 'Remove --env, or add environments: to the config.',
    });
  const terms = choice
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '');
  if (terms.length === 0)
    throw new UsageError(`--env ${JSON.stringify(choice)} names no environment`, { hint: listed(names) });
  const chosen = new Set<string>();
  for (const term of terms) {
    if (term === EVERY_ENVIRONMENT) names.forEach((name) => chosen.add(name));
    else if (/[*?[]/.test(term)) {
      const matches = picomatch(term);
      const matched = names.filter((name) => matches(name));
      if (matched.length === 0)
        throw new UsageError(`--env ${term} matches no environment of this config`, { hint: listed(names) });
      matched.forEach((name) => chosen.add(name));
    } else if (names.includes(term)) chosen.add(term);
    else {
      const suggestion = closestMatch(term, names);
      throw new UsageError(
        `--env ${term} is not an environment of this config${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
        { hint: listed(names) },
      );
    }
  }
  const selected = names.filter((name) => chosen.has(name));
  const max = limits.maxEnvironments;
  if (max !== undefined && selected.length > max)
    throw new UsageError(
      `--env ${choice} selects ${selected.length} environments, more than the ${max} allowed (--max-environments or runs.maxEnvironments)`,
      {
        hint: `It selected ${selected.join(', ')}. Narrow the selection, or raise the limit if that many is meant: nothing was read or written.`,
      },
    );
  return selected;
}

function listed(names: readonly string[]): string {
  return `This config defines ${names.join(', ')}. Select by name, a comma-separated list, a pattern such as '${patternExample(names)}' (quoted, so the shell leaves it alone), or all.`;
}

function patternExample(names: readonly string[]): string {
  const first = names[0]!;
  const dash = first.indexOf('-');
  return dash > 0 ? `${first.slice(0, dash)}-*` : `${first.slice(0, 1)}*`;
}
