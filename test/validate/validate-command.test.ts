// validate as a user runs it, in process (test/support/run-command.ts): what it prints and its exit code, on good
// and bad trees in temporary directories. Its threads and the bundled script are checked end to end
// (test/e2e/validate.e2e.test.ts).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo, repoWithBundledExports } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';

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
  it('accepts the bundled exports/ and says how many definitions in how many files', async () => {
    const result = await runCommand(['validate'], { cwd: copyOfThisRepo() });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('✔ 5 export definitions in 4 files are valid.\n');
  });

  it('lists every problem with file, line and column, and exits 1 without a stack trace', async () => {
    const result = await runCommand(['validate'], { cwd: badTree() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('exports/team/bad.yaml\n  9:5 ');
    expect(result.stdout).toContain('Did you mean "delimiter"?');
    expect(result.stdout).toContain('  10:14 ');
    expect(result.stdout).toContain('exports/broken.yml');
    expect(result.stdout).toContain('✖ 3 problems in 2 files.');
    expect(result.stdout + result.stderr).not.toMatch(NO_STACK);
  });

  it('prints a stable JSON array with --format json', async () => {
    const result = await runCommand(['validate', '--format', 'json'], { cwd: badTree() });
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

  it('prints [] and exits 0 for a valid tree with --format json', async () => {
    const result = await runCommand(['validate', '--format', 'json'], { cwd: copyOfThisRepo() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('emits GitHub annotations with --format github, and by itself under GitHub Actions', async () => {
    const explicit = await runCommand(['validate', '--format', 'github'], { cwd: badTree() });
    const automatic = await runCommand(['validate'], { cwd: badTree(), env: { GITHUB_ACTIONS: 'true' } });
    for (const result of [explicit, automatic]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        '::error file=exports/team/bad.yaml,line=9,col=5,title=cxone-exports schema/additionalProperties::bad: spec.format has an unknown key "delimter".',
      );
    }
    expect(automatic.stdout).toBe(explicit.stdout);
  });

  it('validates only the paths given, resolved against -C', async () => {
    const dir = badTree();
    const result = await runCommand(['-C', dir, 'validate', 'exports/good.yaml'], { cwd: ROOT });
    expect(result).toMatchObject({ code: 0, stdout: '✔ 1 export definition in 1 file is valid.\n' });
  });

  it('says so, and exits 1, when there is nothing to validate', async () => {
    const dir = miniRepo({ '.git/HEAD': '' });
    mkdirSync(join(dir, 'exports'));
    const result = await runCommand(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: nothing to validate: no *.yaml or *.yml files in exports/');
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('reports a missing path as a problem', async () => {
    const result = await runCommand(['validate', 'nope/'], { cwd: copyOfThisRepo() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('nope does not exist');
  });

  it('reports config problems with positions, in the requested format', async () => {
    const dir = miniRepo({
      '.git/HEAD': '',
      'cxone-exports.config.yaml': 'limits:\n  delimiters: [comma, colon]\n',
      'exports/a.yaml': definitionYaml('a'),
    });
    const human = await runCommand(['validate'], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('cxone-exports.config.yaml\n  2:23 ');
    expect(human.stderr).toContain('Error: the config in cxone-exports.config.yaml is invalid');
    const json = await runCommand(['validate', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject([
      { file: 'cxone-exports.config.yaml', line: 2, column: 23, rule: 'schema/enum' },
    ]);
  });

  it('colours only when asked to or on a terminal', async () => {
    const dir = badTree();
    expect((await runCommand(['validate'], { cwd: dir })).stdout).not.toContain('\u001b[');
    expect((await runCommand(['validate'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    expect(
      (await runCommand(['--no-color', 'validate'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout,
    ).not.toContain('\u001b[');
  });

  it('stays quiet on success with -q', async () => {
    const result = await runCommand(['-q', 'validate'], { cwd: copyOfThisRepo() });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the validate cache', () => {
  it('answers as a fresh check does, and validate works without it, deleted or unwritable', async () => {
    const dir = miniRepo({
      'exports/good.yaml': definitionYaml('good'),
      'exports/bad.yaml': definitionYaml('bad', ['maxRows: 0', 'delimter: comma']),
    });
    const first = await runCommand(['validate', '--format', 'json'], { cwd: dir });
    expect(first.code).toBe(1);
    const cache = join(dir, '.cxone-exports', '.cache');
    expect(readFileSync(join(cache, 'definitions.cache'), 'utf8').trim().split('\n')).toHaveLength(1 + 2);
    expect(await runCommand(['validate', '--format', 'json'], { cwd: dir })).toEqual(first);
    // Another file's change is checked again; the one that did not change comes from the cache.
    writeFileSync(join(dir, 'exports', 'good.yaml'), definitionYaml('good', ['maxRows: 7', 'delimiter: pipe']));
    const edited = await runCommand(['validate', '--format', 'json'], { cwd: dir });
    expect(edited).toEqual(first);
    rmSync(cache, { recursive: true });
    writeFileSync(cache, 'not a directory');
    expect(await runCommand(['validate', '--format', 'json'], { cwd: dir })).toEqual(first);
  });
});

describe('cxone-exports', () => {
  it('exits 1 with a usage message on an unknown command or option', async () => {
    const unknownCommand = await runCommand(['deploy'], { cwd: ROOT });
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toContain("unknown command 'deploy'");
    const badChoice = await runCommand(['validate', '--format', 'xml'], { cwd: ROOT });
    expect(badChoice.code).toBe(1);
    expect(badChoice.stderr).toContain('Allowed choices are human, json, github');
  });

  it('names a missing -C directory', async () => {
    const result = await runCommand(['-C', '/no/such/dir', 'validate'], { cwd: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('-C /no/such/dir: no such directory');
  });
});
