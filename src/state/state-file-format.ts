// Reading and writing the bytes of state.json: stable key order (so Git diffs stay small), and every way a file
// can be unusable turned into a message that says so and leaves the file alone.

import { schemaCheck } from '../diagnostics/schema-validator.js';
import { toolVersion } from '../version.js';
import { STATE_VERSION } from './state-model.js';
import { ownerOf } from './state-owner.js';
import type { State } from './state-model.js';
import { StateUnreadableError } from './state-errors.js';

/** Exports sorted by name, two-space indentation, a final newline. */
export function serializeState(state: State): string {
  return withSerial(serializeContent(state), state.serial);
}

/**
 * Everything but the serial, serialized once: comparing two of these tells whether content changed, and
 * `withSerial` turns one into the file's bytes without serializing 10,000 entries a second time.
 */
export function serializeContent(state: State): string {
  const exports = Object.fromEntries(
    Object.keys(state.exports)
      .sort()
      .map((name) => [name, state.exports[name]]),
  );
  const body = JSON.stringify(
    {
      version: state.version,
      lineage: state.lineage,
      serial: 0,
      ...ownerOf(state),
      ...(state.auditHead === undefined ? {} : { auditHead: state.auditHead }),
      exports,
    },
    null,
    2,
  );
  return `${body}\n`;
}

export function withSerial(content: string, serial: number): string {
  return content.replace(/^(\{\n {2}"version": \d+,\n {2}"lineage": ".*",\n {2}"serial": )0,/, `$1${serial},`);
}
/** What to do about a state file that cannot be read: it was left alone, and the backup may be the way back. */
export function restoreFromBackupHint(backupLocation: string): string {
  return `The file was left untouched. ${backupLocation} holds the state from before the last run's first change: compare the two, and restore it with cp if it is right.`;
}

export function parseState(text: string, location: string, backupLocation: string): State {
  const restore = restoreFromBackupHint(backupLocation);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StateUnreadableError(`${location} is not valid JSON (${(error as Error).message})`, { hint: restore });
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new StateUnreadableError(
      `${location} has state version ${version}, written by a newer cxone-exports; this one (${toolVersion()}) reads version ${STATE_VERSION}`,
      {
        hint: 'Upgrade cxone-exports (npm install cxone-exports@latest). The file was left untouched.',
      },
    );
  }
  return checkState(data, location, restore);
}

/** The state schema's verdict, as a refusal that leaves what is stored alone; `hint` says what to do. */
export function checkState(data: unknown, location: string, hint: string): State {
  const problems = schemaCheck('state')(data);
  if (problems.length > 0) {
    const listed = problems
      .slice(0, 5)
      .map((p) => `  - ${p.message}`)
      .join('\n');
    throw new StateUnreadableError(
      `${location} does not match the state format:\n${listed}${problems.length > 5 ? `\n  - and ${problems.length - 5} more` : ''}`,
      { hint },
    );
  }
  return data as State;
}
