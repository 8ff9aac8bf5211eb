// One export's entry by name, or a usage error that suggests the closest name the state holds.

import { closestMatch } from '../diagnostics/did-you-mean.js';
import { UsageError } from '../errors.js';
import type { ExportState, State } from './state-model.js';

export function requireEntry(state: State, name: string): ExportState {
  const entry = state.exports[name];
  if (entry !== undefined) return entry;
  const names = Object.keys(state.exports).sort();
  const suggestion = closestMatch(name, names);
  throw new UsageError(
    `the state has no export named ${name}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
    {
      hint: names.length === 0 ? 'The state is empty.' : 'List what it holds with: cxone-exports state list',
    },
  );
}
