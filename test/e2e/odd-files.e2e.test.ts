// Odd files in a repository: links, FIFOs, bytes that are not UTF-8, NUL characters. Each is followed,
// refused with a position, or named; none is dropped silently, and none hangs a command.

import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { runCli, runCliWithoutOverride } from '../support/run-cli.js';

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

function repo(files: Record<string, string> = {}): string {
  return miniRepo({ '.git/HEAD': '', 'exports/a.yaml': definitionYaml('a'), ...files });
}

describe('odd files', () => {
  it('follows a symbolic link that stays inside the repository, as if the file were there', () => {
    const dir = repo({ 'shared/b.yaml': definitionYaml('b') });
    symlinkSync(join(dir, 'shared', 'b.yaml'), join(dir, 'exports', 'b.yaml'));
    symlinkSync(join(dir, 'shared'), join(dir, 'exports', 'shared-dir'));
    const result = runCli(['validate'], { cwd: dir });
    // b.yaml through the file link and again through the directory link: both read, so the name is doubled.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /exports\/b\.yaml\n.*metadata\.name "b" is also used at exports\/shared-dir\/b\.yaml/,
    );
    execFileSync('rm', [join(dir, 'exports', 'shared-dir')]);
    const plan = JSON.parse(runCli(['plan', '--json'], { cwd: dir }).stdout) as {
      changes: { name: string; source: { file: string } }[];
    };
    expect(plan.changes.map((c) => [c.name, c.source.file])).toEqual([
      ['a', 'exports/a.yaml'],
      ['b', 'exports/b.yaml'],
    ]);
  });

  it('refuses a link that leads outside the repository, and a dangling one, naming each', () => {
    const outside = join(tmpdir(), `cxone-exports-outside-${process.pid}.yaml`);
    writeFileSync(outside, definitionYaml('outside'));
    const dir = repo();
    symlinkSync(outside, join(dir, 'exports', 'outside.yaml'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'exports', 'dangling.yaml'));
    const result = runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/exports\/outside\.yaml\n\s+1:1 .*symbolic link to .*outside the repository/);
    expect(result.stdout).toMatch(/exports\/dangling\.yaml\n\s+1:1 .*symbolic link to nothing/);
    expect(result.stdout + result.stderr).not.toMatch(NO_STACK);
  });

  it('refuses a FIFO among the definitions, or named directly, without hanging', () => {
    const dir = repo();
    execFileSync('mkfifo', [join(dir, 'exports', 'pipe.yaml')]);
    const listed = runCli(['validate'], { cwd: dir });
    expect(listed.code).toBe(1);
    expect(listed.stdout).toMatch(/exports\/pipe\.yaml\n\s+1:1 .*is a FIFO \(named pipe\), not a regular file/);
    const named = runCli(['validate', 'exports/pipe.yaml'], { cwd: dir });
    expect(named.code).toBe(1);
    expect(named.stdout).toContain('is a FIFO (named pipe), not a regular file');
  });

  it('refuses a FIFO as the config file, found or named, without hanging', () => {
    const dir = repo();
    execFileSync('mkfifo', [join(dir, 'cxone-exports.config.yaml')]);
    for (const args of [['plan'], ['plan', '--config', 'cxone-exports.config.yaml']]) {
      const result = runCli(args, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'the config cxone-exports.config.yaml is a FIFO (named pipe), not a regular file',
      );
    }
  });

  it.each(['state.json', 'state.wal', 'audit.jsonl'])(
    'refuses a FIFO as %s in the state folder, without hanging plan, status or apply (issue 23, point 6)',
    (file) => {
      const dir = repo();
      mkdirSync(join(dir, '.cxone-exports'));
      execFileSync('mkfifo', [join(dir, '.cxone-exports', file)]);
      // The audit log is read by status and apply; the state by every command.
      for (const args of file === 'audit.jsonl' ? [['status'], ['apply', '--auto-approve']] : [['plan'], ['status']]) {
        const result = runCli(args, { cwd: dir });
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr).toContain(`.cxone-exports/${file} is a FIFO (named pipe), not a regular file`);
        expect(result.stderr).not.toMatch(NO_STACK);
      }
    },
  );

  it('names a symbolic link in a loop as a loop, not as a link to nothing (issue 23, point 15)', () => {
    const dir = repo();
    symlinkSync('loop.yaml', join(dir, 'exports', 'loop.yaml'));
    const result = runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('exports/loop.yaml is a symbolic link in a loop (it leads back to itself)');
  });

  it('says a stateDir under /proc cannot be made, rather than spinning (issue 23, point 7)', () => {
    const dir = repo({ 'cxone-exports.config.yaml': 'stateDir: /proc/1/nope\n' });
    // Node's recursive mkdir loops forever there; runCli's 20 s timeout would end it with no exit code.
    const result = runCli(['state', 'rm', 'a'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot create the directory /proc/1/nope');
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('refuses a byte that is not UTF-8 and a NUL character, with file, line and column', () => {
    const dir = repo();
    const [before, after] = definitionYaml('latin').split('ds-1');
    writeFileSync(
      join(dir, 'exports', 'latin1.yaml'),
      Buffer.concat([Buffer.from(`${before!}ds-caf`), Buffer.from([0xe9]), Buffer.from(after!)]),
    );
    writeFileSync(
      join(dir, 'exports', 'nul.yaml'),
      definitionYaml('nul').replace('datasetId: ds-1', 'datasetId: "ds-\\0x"'),
    );
    const result = runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/exports\/latin1\.yaml\n\s+7:\d+ .*byte 0xE9 is not UTF-8/);
    expect(result.stdout).toMatch(/exports\/nul\.yaml\n\s+7:\d+ .*control character U\+0000 \(NUL\)/);
  });

  it('reports an unreadable directory under exports/ as a problem with the path, not a bug', () => {
    const dir = repo();
    mkdirSync(join(dir, 'exports', 'locked'));
    writeFileSync(join(dir, 'exports', 'locked', 'x.yaml'), definitionYaml('x'));
    execFileSync('chmod', ['000', join(dir, 'exports', 'locked')]);
    const result = runCliWithoutOverride(['validate'], { cwd: dir });
    expect(result.stdout + result.stderr).not.toMatch(/Internal error/);
    expect(result.stdout + result.stderr).not.toMatch(NO_STACK);
    expect(result.stdout).toMatch(
      /exports\/locked\n\s+1:1\s+error\s+cannot read exports\/locked: permission denied \(EACCES\)/,
    );
    expect(result.code).toBe(1);
  });

  it('reports a state.json it may not read, and a state directory it may not write, with the path and what to do', () => {
    const dir = repo();
    const stateDir = join(dir, '.cxone-exports');
    mkdirSync(stateDir);
    writeFileSync(
      join(stateDir, 'state.json'),
      `${JSON.stringify({ version: 1, lineage: '00000000-0000-4000-8000-000000000001', serial: 1, exports: {} })}\n`,
    );
    execFileSync('chmod', ['000', join(stateDir, 'state.json')]);
    const plan = runCliWithoutOverride(['plan'], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('Error: cannot read .cxone-exports/state.json: permission denied (EACCES)');
    expect(plan.stderr).toContain('Check the owner and mode of .cxone-exports/state.json');
    expect(plan.stderr).not.toMatch(NO_STACK);

    execFileSync('chmod', ['644', join(stateDir, 'state.json')]);
    execFileSync('chmod', ['555', stateDir]);
    const rm = runCliWithoutOverride(['state', 'rm', 'a'], { cwd: dir });
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(
      /Error: cannot (write|read) \.cxone-exports\/state\.lock.*: permission denied \(EACCES\)/,
    );
    expect(rm.stderr).not.toMatch(NO_STACK);
  });

  it('refuses a --since too long for a date, with its limit', () => {
    const result = runCli(['status', '--since', '100000000d'], { cwd: repo() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: --since 100000000d is too long: at most 3650d');
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it('refuses a status --at that is not an instant with an offset, and reports as of one that is', () => {
    const bad = runCli(['status', '--at', '2026-12-01 03:00'], { cwd: repo() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--at');
    expect(bad.stderr).not.toMatch(NO_STACK);
    const good = runCli(['status', '--json', '--at', '2026-12-01T03:00:00+01:00', '--since', '24h'], { cwd: repo() });
    expect(good.code).toBe(0);
    expect((JSON.parse(good.stdout) as { window: unknown }).window).toEqual({
      since: '2026-11-30T02:00:00.000Z',
      until: '2026-12-01T02:00:00.000Z',
    });
  });
});
