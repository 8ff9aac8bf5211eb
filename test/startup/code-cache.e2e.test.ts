// The launcher's code cache (cli/code-cache.ts), as a user's machine has it: made after a command's first
// successful run, used by the next, refined by the few after, and never a reason for a command to fail. What it
// trusts is code-cache-trust.e2e.test.ts.

import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  buildFolders,
  cacheFileOf,
  cacheHome,
  dir,
  refiningRuns,
  root,
  useCodeCacheFolders,
  validate,
} from './code-cache-fixture.js';

useCodeCacheFolders();

describe('the code cache', () => {
  it('is made by a command first run and read, not rewritten, once its refining runs are used', () => {
    expect(validate().code).toBe(0);
    const file = cacheFileOf('validate');
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(refiningRuns(file)).toBe(3);

    for (const left of [2, 1, 0]) {
      expect(validate().code).toBe(0);
      expect(refiningRuns(file)).toBe(left);
    }
    const settled = statSync(file);
    const again = validate();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('are valid');
    expect(statSync(file).mtimeMs).toBe(settled.mtimeMs);
    expect(statSync(file).ino).toBe(settled.ino);
  });

  it('keeps one file per command word, and help pages apart from their command', () => {
    expect(validate().code).toBe(0);
    expect(runCli(['--env', 'sandbox', 'plan'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    expect(runCli(['--version'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    expect(runCli(['validate', '--help'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    const folder = join(cacheFileOf('validate'), '..');
    expect(readdirSync(folder).sort()).toEqual(['cli.bin', 'plan.bin', 'validate-help.bin', 'validate.bin']);
  });

  it('replaces an entry holding clearly less than a run compiles (a short run that came first)', () => {
    expect(runCli(['--version'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    const short = cacheFileOf('cli');
    const file = join(short, '..', 'validate.bin');
    cpSync(short, file);
    const before = statSync(file).size;

    expect(validate().code).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(before * 2);
    expect(refiningRuns(file)).toBe(3);
  });

  it('is not written by a run that failed', () => {
    rmSync(join(dir, 'cxone-exports.config.yaml'));
    writeFileSync(join(dir, 'exports', 'broken.yaml'), 'name: [\n');
    const run = validate();
    expect(run.code).not.toBe(0);
    expect(buildFolders()).toEqual([]);
  });

  it('replaces data V8 rejects, and the command runs as if there were none', () => {
    expect(validate().code).toBe(0);
    const file = cacheFileOf('validate');
    const header = readFileSync(file).subarray(0, 20);
    writeFileSync(file, Buffer.concat([header, Buffer.alloc(4096, 7)]));

    const run = validate();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 export definitions in 4 files are valid');
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('prunes other builds once unused for a month, and keeps recent ones', () => {
    const old = join(root(), 'an-older-build-v24.0.0-x64-u0');
    const recent = join(root(), 'a-recent-build-v24.0.0-x64-u0');
    for (const folder of [old, recent]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'validate.bin'), 'old');
    }
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    expect(validate().code).toBe(0);
    const own = buildFolders().find((name) => name.endsWith(`-${process.version}-${process.arch}-u0`));
    expect(own).toBeDefined();
    expect(buildFolders().sort()).toEqual([own, 'a-recent-build-v24.0.0-x64-u0'].sort());
  });

  it('is read but not written in a CI job, where a write costs more than it saves', () => {
    expect(validate({ CI: 'true' }).code).toBe(0);
    expect(buildFolders()).toEqual([]);
    expect(validate().code).toBe(0);
    const file = cacheFileOf('validate');
    const made = statSync(file);
    expect(validate({ GITHUB_ACTIONS: 'true' }).code).toBe(0);
    expect(statSync(file).mtimeMs).toBe(made.mtimeMs);
    expect(refiningRuns(file)).toBe(3);
  });

  it('is neither read nor written with NODE_DISABLE_COMPILE_CACHE=1', () => {
    const run = validate({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(run.code).toBe(0);
    expect(existsSync(join(cacheHome, 'cxone-exports'))).toBe(false);
  });

  it("leaves Node's module compile cache where NODE_COMPILE_CACHE says, on a Node.js that has one", () => {
    const nodeCache = join(dir, 'node-compile-cache');
    const run = runCli(['--env', 'sandbox', 'plan'], {
      cwd: dir,
      env: { XDG_CACHE_HOME: cacheHome, NODE_COMPILE_CACHE: nodeCache },
    });
    expect(run.code).toBe(0);
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const hasCompileCache = major > 22 || (major === 22 && minor >= 1);
    expect(existsSync(nodeCache)).toBe(hasCompileCache);
  });

  it('costs nothing but time when the cache cannot be written', () => {
    // A file where the cache folder would be: no mkdir succeeds there, not even root's.
    mkdirSync(cacheHome);
    writeFileSync(join(cacheHome, 'cxone-exports'), 'not a folder');
    const run = validate();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('are valid');
    expect(run.stderr).toBe('');
    expect(readdirSync(cacheHome)).toEqual(['cxone-exports']);
  });
});
