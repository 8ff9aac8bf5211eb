// This checkout packed as npm would publish it, for the tests that install it as a user does.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Packs the package into `destination` and returns the tarball's path. */
export function packTarball(destination: string): string {
  // dist/ is built already (npm test builds first); packing must not rebuild it under other tests' feet.
  const name = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', destination], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
  return join(destination, name);
}
