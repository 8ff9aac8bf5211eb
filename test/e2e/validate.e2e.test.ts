// End to end: the built CLI in temporary directories, on good and bad trees.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo, repoWithBundledExports } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

const copyOfThisRepo = repoWithBundledExports;

function badTree(): string {
  return miniRepo({
    '.git/HEAD': '',
    'exports/good.yaml': definitionYaml('good'),
    'exports/team/bad.yaml': definitionYaml('bad', ['delimter: pipe', 'maxRows: 0']),
    'exports/broken.yml': 'apiVersion: [\n',
    'exports/notes.txt': 'not a definition',
  });
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('cxone-exports validate', () => {
  it('accepts the bundled exports/ and says how many definitions in how many files', () => {
    const result = runCli(['validate'], { cwd: copyOfThisRepo() });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('✔ 5 export definitions in 4 files are valid.\n');
  });

  it('lists every problem with file, line and column, and exits 1 without a stack trace', () => {
    const result = runCli(['validate'], { cwd: badTree() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('exports/team/bad.yaml\n  9:5 ');
    expect(result.stdout).toContain('Did you mean "delimiter"?');
    expect(result.stdout).toContain('  10:14 ');
    expect(result.stdout).toContain('exports/broken.yml');
    expect(result.stdout).toContain('✖ 3 problems in 2 files.');
    expect(result.stdout + result.stderr).not.toMatch(NO_STACK);
  });

  it('prints a stable JSON array with --format json', () => {
    const result = runCli(['validate', '--format', 'json'], { cwd: badTree() });
    expect(result.code).toBe(1);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual(
      rows.map(() => ['file', 'line', 'column', 'export', 'message', 'rule', 'severity']),
    );
    expect(new Set(rows.map((r) => r.severity))).toEqual(new Set(['error']));
    expect(rows.map((r) => [r.file, r.line, r.column, r.export, r.rule])).toEqual([
      ['exports/broken.yml', 2, 1, null, expect.stringMatching(/^yaml\//) as string],
      ['exports/team/bad.yaml', 9, 5, 'bad', 'schema/additionalProperties'],
      ['exports/team/bad.yaml', 10, 14, 'bad', 'schema/minimum'],
    ]);
  });

  it('prints [] and exits 0 for a valid tree with --format json', () => {
    const result = runCli(['validate', '--format', 'json'], { cwd: copyOfThisRepo() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('emits GitHub annotations with --format github, and by itself under GitHub Actions', () => {
    const explicit = runCli(['validate', '--format', 'github'], { cwd: badTree() });
    const automatic = runCli(['validate'], { cwd: badTree(), env: { GITHUB_ACTIONS: 'true' } });
    for (const result of [explicit, automatic]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        '::error file=exports/team/bad.yaml,line=9,col=5,title=cxone-exports schema/additionalProperties::bad: spec.format has an unknown key "delimter".',
      );
    }
    expect(automatic.stdout).toBe(explicit.stdout);
  });

  it('validates only the paths given, resolved against -C', () => {
    const dir = badTree();
    const result = runCli(['-C', dir, 'validate', 'exports/good.yaml'], { cwd: ROOT });
    expect(result).toMatchObject({ code: 0, stdout: '✔ 1 export definition in 1 file is valid.\n' });
  });

  it('says so, and exits 1, when there is nothing to validate', () => {
    const dir = miniRepo({ '.git/HEAD': '' });
    mkdirSync(join(dir, 'exports'));
    const result = runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: nothing to validate: no *.yaml or *.yml files in exports/');
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('reports a missing path as a problem', () => {
    const result = runCli(['validate', 'nope/'], { cwd: copyOfThisRepo() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('nope does not exist');
  });

  it('reports config problems with positions, in the requested format', () => {
    const dir = miniRepo({
      '.git/HEAD': '',
      'cxone-exports.config.yaml': 'limits:\n  delimiters: [comma, colon]\n',
      'exports/a.yaml': definitionYaml('a'),
    });
    const human = runCli(['validate'], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('cxone-exports.config.yaml\n  2:23 ');
    expect(human.stderr).toContain('Error: the config in cxone-exports.config.yaml is invalid');
    const json = runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject([
      { file: 'cxone-exports.config.yaml', line: 2, column: 23, rule: 'schema/enum' },
    ]);
  });

  it('colours only when asked to or on a terminal', () => {
    const dir = badTree();
    expect(runCli(['validate'], { cwd: dir }).stdout).not.toContain('\u001b[');
    expect(runCli(['validate'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(runCli(['--no-color', 'validate'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('stays quiet on success with -q', () => {
    const result = runCli(['-q', 'validate'], { cwd: copyOfThisRepo() });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the validate cache', () => {
  it('answers as a fresh check does, and validate works without it, deleted or unwritable', () => {
    const dir = miniRepo({
      'exports/good.yaml': definitionYaml('good'),
      'exports/bad.yaml': definitionYaml('bad', ['maxRows: 0', 'delimter: comma']),
    });
    const first = runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(first.code).toBe(1);
    const cache = join(dir, '.cxone-exports', '.cache');
    expect(readFileSync(join(cache, 'definitions.cache'), 'utf8').trim().split('\n')).toHaveLength(1 + 2);
    expect(runCli(['validate', '--format', 'json'], { cwd: dir })).toEqual(first);
    // Another file's change is checked again; the one that did not change comes from the cache.
    writeFileSync(join(dir, 'exports', 'good.yaml'), definitionYaml('good', ['maxRows: 7', 'delimiter: pipe']));
    const edited = runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(edited).toEqual(first);
    rmSync(cache, { recursive: true });
    writeFileSync(cache, 'not a directory');
    expect(runCli(['validate', '--format', 'json'], { cwd: dir })).toEqual(first);
  });
});

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

  it('exits 1 with a usage message on an unknown command or option', () => {
    const unknownCommand = runCli(['deploy'], { cwd: ROOT });
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toContain("unknown command 'deploy'");
    const badChoice = runCli(['validate', '--format', 'xml'], { cwd: ROOT });
    expect(badChoice.code).toBe(1);
    expect(badChoice.stderr).toContain('Allowed choices are human, json, github');
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

  it('names a missing -C directory', () => {
    const result = runCli(['-C', '/no/such/dir', 'validate'], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('-C /no/such/dir: no such directory');
  });
});
