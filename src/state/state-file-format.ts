// Reading and writing the bytes of state.json: stable key order (so Git diffs stay small), and every way a file
// can be unusable turned into a message that says so and leaves the file alone.

import { canonicalJson } from '../definitions/canonical-json.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import { toolVersion } from '../version.js';
import { STATE_VERSION } from './state-model.js';
import type { State } from './state-model.js';
import { StateUnreadableError } from './state-errors.js';

/** Exports sorted by name, two-space indentation, a final newline. */
export function serializeState(state: State): string {
  const exports = Object.fromEntries(Object.keys(state.exports).sort().map((name) => [name, state.exports[name]]));
  return `${JSON.stringify({ version: state.version, lineage: state.lineage, serial: state.serial, exports }, null, 2)}\n`;
}

/** True when two states hold the same content, whatever their serials. */
export function sameContent(a: State, b: State): boolean {
  return a.lineage === b.lineage && a.version === b.version && canonicalJson(a.exports) === canonicalJson(b.exports);
}

export function parseState(text: string, location: string, backupLocation: string): State {
  const restore = `The file was left untouched. ${backupLocation} holds the state from before the last run's first change: compare the two, and restore it with cp if it is right.`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StateUnreadableError(`${location} is not valid JSON (${(error as Error).message})`, { hint: restore });
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new StateUnreadableError(`${location} has state version ${version}, written by a newer cxone-exports; this one (${toolVersion()}) reads version ${STATE_VERSION}`, {
      hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). The file was left untouched.',
    });
  }
  const problems = schemaCheck('state')(data);
  if (problems.length > 0) {
    const listed = problems.slice(0, 5).map((p) => `  - ${p.message}`).join('\n');
    throw new StateUnreadableError(`${location} does not match the state format:\n${listed}${problems.length > 5 ? `\n  - and ${problems.length - 5} more` : ''}`, { hint: restore });
  }
  return data as State;
}
