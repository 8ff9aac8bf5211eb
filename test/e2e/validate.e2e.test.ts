// End to end: what validate does as a process, the built CLI in temporary directories: its worker threads,
// a JavaScript config imported by the bundled script, the version it was built with. What it prints and decides
// is checked in process, in test/validate/validate-command.test.ts.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('validate on many files', () => {
  it('checks them on two threads and reports exactly what one thread reports', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) {
      const name = `export-${String(i).padStart(3, '0')}`;
      // Every tenth file has a problem, and two files set the same name: problems of files and across them.
      const format = i % 10 === 3 ? ['maxRows: 0', 'delimter: comma'] : ['maxRows: 1000'];
      files[`exports/team-${i % 4}/${name}.yaml`] = definitionYaml(i === 77 ? 'export-011' : name, format);
    }
    const dir = miniRepo(files);
    const cache = join(dir, '.cxone-exports', '.cache');
    const alone = runCli(['-v', 'validate', '--jobs', '1', '--format', 'json'], { cwd: dir });
    rmSync(cache, { recursive: true });
    const shared = runCli(['-v', 'validate', '--jobs', '2', '--format', 'json'], { cwd: dir });
    expect(alone.stderr).toMatch(/validate: 120 files, 120 documents in \d+ ms on 1 thread\n/);
    expect(shared.stderr).toMatch(/validate: 120 files, 120 documents in \d+ ms on 2 threads\n/);
    expect(shared.code).toBe(1);
    expect(shared.stdout).toBe(alone.stdout);
    const problems = JSON.parse(shared.stdout) as { rule: string }[];
    expect(problems.filter((p) => p.rule === 'unique-name')).toHaveLength(2);
    expect(problems.length).toBeGreaterThan(24);
    // What the threads found is what the cache answers with next time.
    expect(runCli(['validate', '--format', 'json'], { cwd: dir }).stdout).toBe(alone.stdout);
  });
});

describe('cxone-exports', () => {
  it('prints its version from package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'], { cwd: ROOT })).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('reads a config written in JSON or JavaScript, and names one that does not parse', () => {
    const defs = { '.git/HEAD': '', 'defs/a.yaml': definitionYaml('a') };
    for (const [file, text] of [
      ['cxone-exports.config.json', '{"exportsDir": "defs"}'],
      ['cxone-exports.config.cjs', 'module.exports = { exportsDir: "defs" };'],
      ['cxone-exports.config.mjs', 'export default { exportsDir: "defs" };'],
      ['cxone-exports.config.js', 'export default { exportsDir: "defs" };'],
      ['.cxone-exportsrc.json', '{"exportsDir": "defs"}'],
    ]) {
      const result = runCli(['validate'], { cwd: miniRepo({ ...defs, [file!]: text! }) });
      expect(result, file).toMatchObject({ code: 0, stdout: '✔ 1 export definition in 1 file is valid.\n' });
    }
    const broken = runCli(['validate'], { cwd: miniRepo({ ...defs, 'cxone-exports.config.json': '{"exportsDir": ' }) });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('could not read the config');
    expect(broken.stderr).toContain('cxone-exports.config.json');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    // Issue 23, point 9: a JavaScript config that throws said "__filename is not defined", or showed a stack.
    for (const file of ['cxone-exports.config.cjs', 'cxone-exports.config.mjs']) {
      const throwing = runCli(['validate'], { cwd: miniRepo({ ...defs, [file]: 'throw new Error("no such key");' }) });
      expect(throwing.code, file).toBe(1);
      expect(throwing.stderr, file).toContain('could not read the config: no such key');
      expect(throwing.stderr, file).not.toMatch(/\n\s+at |Internal error/);
    }
    // A config that awaits is an ES module like any other (cosmiconfig imports it).
    const awaiting = runCli(['validate'], {
      cwd: miniRepo({ ...defs, 'cxone-exports.config.mjs': 'await 0;\nexport default { exportsDir: "defs" };' }),
    });
    expect(awaiting).toMatchObject({ code: 0, stdout: '✔ 1 export definition in 1 file is valid.\n' });
  });
});
