// What a light command loads when it starts: the start-up figures (npm run bench -- startup) depend on it, and
// one import in the wrong place undoes them. The commands run on the bundled exports from the built CLI, and
// report what they loaded as they exit.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoWithBundledExports } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const HOOK = join(import.meta.dirname, 'report-loaded.mjs');

let repo: string;
let reports: string;

beforeAll(() => {
  repo = repoWithBundledExports();
  reports = mkdtempSync(join(tmpdir(), 'cxone-loaded-'));
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(reports, { recursive: true, force: true });
});

function loadedBy(args: string[]): { files: string[]; builtins: string[] } {
  const report = join(reports, `${args.join('_')}.json`);
  const run = runCli(args, { cwd: repo, env: { NODE_OPTIONS: `--import ${HOOK}`, LOADED_REPORT: report } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(readFileSync(report, 'utf8')) as { files: string[]; builtins: string[] };
}

describe.each([['validate'], ['--env', 'sandbox', 'plan'], ['--env', 'sandbox', 'status'], ['--version'], ['--help']])(
  'cxone-exports %s',
  (...args) => {
    it('loads nothing from node_modules: the CLI is one script, and the heavy packages stay unloaded', () => {
      const { files } = loadedBy(args);
      expect(files.filter((file) => file.includes('/node_modules/'))).toEqual([]);
      expect(files.every((file) => file.includes('/dist/'))).toBe(true);
    });

    it("loads none of Node's modules it does not call", () => {
      const { builtins } = loadedBy(args);
      // zlib is called: the launcher checks the script's CRC-32 before V8 is handed its code cache.
      for (const unused of ['child_process', 'readline', 'worker_threads', 'http', 'https', 'perf_hooks'])
        expect(builtins, unused).not.toContain(unused);
    });
  },
);

describe('a command that only parses its command line', () => {
  it('loads no crypto and no validator', () => {
    const { files, builtins } = loadedBy(['--version']);
    expect(builtins).not.toContain('crypto');
    expect(files.filter((file) => file.includes('compiled-schemas'))).toEqual([]);
  });
});
