// The launcher's code cache (cli/code-cache.ts), as a user's machine has it: made after a command's first
// successful run, used by the next, refined by the few after, and never a reason for a command to fail. And as an
// attacker meets it: V8 trusts cached data of any script of the same length, so nothing but an entry this user
// made for this exact script may reach it.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const REPO = join(import.meta.dirname, '..', '..');
const SCRIPT = join(REPO, 'dist', 'cli', 'cli.cjs');
/** A uid and gid no passwd entry names. */
const STRANGER = 54_321;

let dir: string;
let cacheHome: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cxone-code-cache-'));
  cpSync(join(REPO, 'exports'), join(dir, 'exports'), { recursive: true });
  cpSync(join(REPO, 'cxone-exports.config.yaml'), join(dir, 'cxone-exports.config.yaml'));
  cacheHome = join(dir, 'cache');
});

const copies: string[] = [];

afterEach(() => {
  for (const folder of [dir, ...copies.splice(0)]) rmSync(folder, { recursive: true, force: true });
});

const validate = (env: Record<string, string | undefined> = {}) =>
  runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome, ...env } });

const root = () => join(cacheHome, 'cxone-exports', 'code-cache');

/** The cache folders, by name. */
function buildFolders(): string[] {
  return existsSync(root()) ? readdirSync(root()) : [];
}

function cacheFileOf(command: string): string {
  const folders = buildFolders().filter((name) => name.endsWith(`-${process.version}-${process.arch}-u0`));
  expect(folders).toHaveLength(1);
  return join(root(), folders[0]!, `${command}.bin`);
}

/** How many more runs may refine an entry (the header's last field). */
const refiningRuns = (file: string) => readFileSync(file).readUInt32BE(16);

/**
 * An entry as the launcher writes it, holding V8's data for another script of exactly the CLI's length, which
 * prints INJECTED. Made by a child on the same Node.js and flags as the CLI, so V8 itself would take it.
 */
function plantedEntry(headerFor: 'the-cli' | 'the-other-script'): Buffer {
  const maker = `
    const { readFileSync } = require('node:fs');
    const { crc32 } = require('node:zlib');
    const { Script } = require('node:vm');
    const real = readFileSync(process.argv[1]);
    let other = 'process.stdout.write("INJECTED\\\\n"); process.exit(0);';
    other += ' '.repeat(real.length - other.length);
    const wrap = (text) => '(function (exports, require, module, __filename, __dirname) {' + text + '\\n})';
    const script = new Script(wrap(other), { filename: process.argv[1] });
    const data = script.createCachedData();
    const header = Buffer.alloc(20);
    header.writeBigUInt64BE(0x6378636301n, 0);
    header.writeUInt32BE(real.length, 8);
    header.writeUInt32BE(process.argv[2] === 'the-cli' ? crc32(real) : crc32(Buffer.from(other, 'latin1')), 12);
    header.writeUInt32BE(3, 16);
    process.stdout.write(Buffer.concat([header, data]).toString('base64'));
  `;
  const made = spawnSync(process.execPath, ['-e', maker, SCRIPT, headerFor], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  return Buffer.from(made.stdout, 'base64');
}

/**
 * The package as installed, in a folder of its own that any user may read: what a command needs that loads
 * nothing from node_modules.
 */
function installedCopy(): string {
  const installed = mkdtempSync(join(tmpdir(), 'cxone-installed-'));
  copies.push(installed);
  chmodSync(installed, 0o755);
  mkdirSync(join(installed, 'dist'), { recursive: true });
  cpSync(join(REPO, 'dist', 'cli'), join(installed, 'dist', 'cli'), { recursive: true });
  cpSync(join(REPO, 'dist', 'compiled-schemas'), join(installed, 'dist', 'compiled-schemas'), { recursive: true });
  for (const kept of ['package.json', 'schemas', 'templates'])
    cpSync(join(REPO, kept), join(installed, kept), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(installed, 'node_modules'));
  return installed;
}

/** Every code cache entry below a folder (the working folder holds none: validate's own cache is not one). */
function codeCacheFilesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.bin'));
}

/** The folder this build's validate entry goes in, made as the launcher makes it. */
function ownFolder(): string {
  expect(validate().code).toBe(0);
  const file = cacheFileOf('validate');
  rmSync(file);
  return join(file, '..');
}

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

  it('runs no data made for another script of the same length', () => {
    const folder = ownFolder();
    writeFileSync(join(folder, 'validate.bin'), plantedEntry('the-other-script'), { mode: 0o600 });
    const run = validate();
    expect(run.stdout).not.toContain('INJECTED');
    expect(run.stdout).toContain('are valid');
    expect(run.code).toBe(0);
  });

  it('runs no data another user planted, in a file or a folder of theirs', () => {
    const folder = ownFolder();
    const file = join(folder, 'validate.bin');
    writeFileSync(file, plantedEntry('the-cli'), { mode: 0o644 });
    chownSync(file, STRANGER, STRANGER);
    const byFile = validate();
    expect(byFile.stdout).not.toContain('INJECTED');
    expect(byFile.stdout).toContain('are valid');

    // Ours, but writable by others: anyone could have put it there.
    writeFileSync(file, plantedEntry('the-cli'));
    chmodSync(file, 0o666);
    expect(validate().stdout).not.toContain('INJECTED');

    // A file of ours in a folder someone else owns (and so can swap).
    writeFileSync(file, plantedEntry('the-cli'), { mode: 0o600 });
    chownSync(folder, STRANGER, STRANGER);
    const byFolder = validate();
    expect(byFolder.stdout).not.toContain('INJECTED');
    expect(byFolder.code).toBe(0);
  });

  it('neither hangs on a FIFO nor reads a link to a device where an entry would be', () => {
    const folder = ownFolder();
    const file = join(folder, 'validate.bin');
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    const fifo = validate();
    expect(fifo.code).toBe(0);
    expect(fifo.stdout).toContain('are valid');

    rmSync(file);
    symlinkSync('/dev/zero', file);
    const link = validate();
    expect(link.code).toBe(0);
    expect(link.stdout).toContain('are valid');
    // The link was replaced by an entry of the usual size, not followed.
    expect(statSync(file).size).toBeLessThan(8 * 1024 * 1024);
  });

  it('shows a same-length edit of the installed script at once', () => {
    const installed = installedCopy();
    const launcher = join(installed, 'dist', 'cli', 'main.js');
    const run = () =>
      spawnSync(process.execPath, [launcher, 'validate'], {
        cwd: dir,
        env: { PATH: process.env.PATH, XDG_CACHE_HOME: cacheHome },
        encoding: 'utf8',
      });
    expect(run().stdout).toContain('export definitions in');
    expect(run().stdout).toContain('export definitions in');

    // A patch of the kind patch-package makes: the same length, other text.
    const script = join(installed, 'dist', 'cli', 'cli.cjs');
    const text = readFileSync(script, 'latin1');
    expect(text).toContain('"export definition"');
    writeFileSync(script, text.replaceAll('"export definition"', '"EXPORT DEFINITION"'), 'latin1');
    const patched = run();
    expect(patched.status).toBe(0);
    expect(patched.stdout).toContain('EXPORT DEFINITIONs in');
  });

  it('is never made in the working folder, whatever HOME and XDG_CACHE_HOME say', () => {
    for (const env of [
      // An empty XDG_CACHE_HOME is unset, as the XDG spec says (and overrides the test run's own).
      { XDG_CACHE_HOME: '', HOME: '' },
      { XDG_CACHE_HOME: '.cache', HOME: '' },
      { XDG_CACHE_HOME: 'cache', HOME: '.' },
    ]) {
      const run = runCli(['validate'], { cwd: dir, env });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('are valid');
      expect(codeCacheFilesUnder(dir)).toEqual([]);
    }
  });

  it('takes its relative XDG_CACHE_HOME as unset, as the XDG spec says, and uses HOME', () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    expect(runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: 'cache', HOME: home } }).code).toBe(0);
    expect(readdirSync(join(home, '.cache', 'cxone-exports', 'code-cache'))).toHaveLength(1);
  });

  it('stops no command for a uid with no home and no passwd entry', () => {
    // Where that uid can read them, wherever this checkout and this Node.js are (CI's under /root, say).
    chmodSync(dir, 0o755);
    const installed = installedCopy();
    const node = join(installed, 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    for (const args of [['--version'], ['validate']]) {
      const run = spawnSync(node, [join(installed, 'dist', 'cli', 'main.js'), ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH },
        uid: STRANGER,
        gid: STRANGER,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    expect(codeCacheFilesUnder(dir)).toEqual([]);
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
