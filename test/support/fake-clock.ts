// A CLI process whose clock starts at a chosen instant and runs on from there: libfaketime (Debian's faketime
// package, which .ci/run installs), so schedules are tested at the instants that matter rather than now.

import { execFileSync } from 'node:child_process';

let checked = false;

/** The wrapper and variables that start a process's clock at `instant` (ISO 8601, UTC). */
export function clockAt(instant: string): { wrapper: string[]; env: Record<string, string> } {
  if (!checked) {
    try {
      execFileSync('faketime', ['-f', '@2000-01-01 00:00:00', 'true']);
    } catch {
      throw new Error('faketime is not installed: run .ci/run, or apt-get install faketime');
    }
    checked = true;
  }
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${instant}`);
  // faketime reads the start in the process's own zone: UTC, so what is written is what is meant.
  const start = date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
  return { wrapper: ['faketime', '-f', `@${start}`], env: { TZ: 'UTC' } };
}
