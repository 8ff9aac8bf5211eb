// What the code cache's tests share (code-cache.e2e.test.ts, code-cache-trust.e2e.test.ts): a copy of the bundled
// exports and a cache folder for each test, the validate command on them, and the ways to read, plant and find
// entries.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { runCli } from '../support/run-cli.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const SCRIPT = join(REPO, 'dist', 'cli', 'cli.cjs');
/** A uid and gid no passwd entry names. */
export const STRANGER = 54_321;

/** The current test's working folder (a copy of the bundled exports) and its cache folder. */
export let dir: string;
export let cacheHome: string;

const copies: string[] = [];

/** Gives each test of the calling file its own folders, removed after it. */
export function useCodeCacheFolders(): void {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cxone-code-cache-'));
    cpSync(join(REPO, 'exports'), join(dir, 'exports'), { recursive: true });
    cpSync(join(REPO, 'cxone-exports.config.yaml'), join(dir, 'cxone-exports.config.yaml'));
    cacheHome = join(dir, 'cache');
  });
  afterEach(() => {
    for (const folder of [dir, ...copies.splice(0)]) rmSync(folder, { recursive: true, force: true });
  });
}

export const validate = (env: Record<string, string | undefined> = {}) =>
  runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome, ...env } });

export const root = () => join(cacheHome, 'cxone-exports', 'code-cache');

/** The cache folders, by name. */
export function buildFolders(): string[] {
  return existsSync(root()) ? readdirSync(root()) : [];
}

export function cacheFileOf(command: string): string {
  const folders = buildFolders().filter((name) => name.endsWith(`-${process.version}-${process.arch}-u0`));
  expect(folders).toHaveLength(1);
  return join(root(), folders[0]!, `${command}.bin`);
}

/** How many more runs may refine an entry (the header's last field). */
export const refiningRuns = (file: string) => readFileSync(file).readUInt32BE(16);

/**
 * An entry as the launcher writes it, holding V8's data for another script of exactly the CLI's length, which
 * prints INJECTED. Made by a child on the same Node.js and flags as the CLI, so V8 itself would take it.
 */
export function plantedEntry(headerFor: 'the-cli' | 'the-other-script'): Buffer {
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
export function installedCopy(): string {
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
export function codeCacheFilesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.bin'));
}

/** The folder this build's validate entry goes in, made as the launcher makes it. */
export function ownFolder(): string {
  expect(validate().code).toBe(0);
  const file = cacheFileOf('validate');
  rmSync(file);
  return join(file, '..');
}
