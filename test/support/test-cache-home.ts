// Vitest's global set-up for the tests that start the CLI: one cache folder for the run (the CLI's code cache
// goes there, warm across the run's spawns), removed at the end, so no test writes into the developer's home.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function useTestCacheHome(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-test-cache-'));
  // Read by test/support/run-cli.ts (testEnvironment), which every spawn of the CLI starts from.
  process.env.CXONE_TEST_CACHE_HOME = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
