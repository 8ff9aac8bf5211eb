// A CLI process whose clock starts at a chosen instant and runs on from there: libfaketime (Debian's faketime
// package, which .ci/run installs), so schedules are tested at the instants that matter rather than now. It is
// preloaded into the process itself rather than run through the `faketime` wrapper, which forks: a test that
// stops the process must reach node, not a wrapper that leaves node running.

import { spawnSync } from 'node:child_process';

/** The environment that starts a process's clock at an instant. */
export interface FakeClock {
  env: Record<string, string>;
}

// ld.so expands $LIB to the multiarch library folder.
const LIBFAKETIME = '/usr/$LIB/faketime/libfaketime.so.1';

let checked = false;

/** The variables that start a process's clock at `instant` (ISO 8601, UTC). */
export function clockAt(instant: string): FakeClock {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${instant}`);
  // faketime reads the start in the process's own zone: UTC, so what is written is what is meant.
  const start = date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
  const clock = { env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${start}`, TZ: 'UTC' } };
  if (!checked) {
    const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(new Date().getUTCFullYear()))'], {
      env: { PATH: process.env.PATH ?? '', ...clock.env, FAKETIME: '@2000-01-01 00:00:00' },
      encoding: 'utf8',
    });
    if (probe.stdout !== '2000')
      throw new Error(
        'libfaketime is not installed: the test set-up installs it (test/support/system-packages.ts), or apt-get install faketime',
      );
    checked = true;
  }
  return clock;
}
