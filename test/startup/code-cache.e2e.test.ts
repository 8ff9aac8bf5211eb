// The launcher's code cache (cli/code-cache.ts), as a user's machine has it: made by a command's first run, used
// by the next, replaced when V8 rejects it, and never a reason for a command to fail.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const REPO = join(import.meta.dirname, '..', '..');

let dir: string;
let cacheHome: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cxone-code-cache-'));
  cpSync(join(REPO, 'exports'), join(dir, 'exports'), { recursive: true });
  cpSync(join(REPO, 'cxone-exports.config.yaml'), join(dir, 'cxone-exports.config.yaml'));
  cacheHome = join(dir, 'cache');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const validate = (env: Record<string, string> = {}) =>
  runCli(['validate'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome, ...env } });

/** This build's cache folders, by name. */
function buildFolders(): string[] {
  const root = join(cacheHome, 'cxone-exports', 'code-cache');
  return existsSync(root) ? readdirSync(root) : [];
}

function cacheFileOf(command: string): string {
  const folders = buildFolders().filter((name) => name.endsWith(`-${process.version}-${process.arch}`));
  expect(folders).toHaveLength(1);
  return join(cacheHome, 'cxone-exports', 'code-cache', folders[0]!, `${command}.bin`);
}

describe('the code cache', () => {
  it('is made by a command first run and read, not rewritten, by the next', () => {
    expect(validate().code).toBe(0);
    const file = cacheFileOf('validate');
    const made = statSync(file);
    expect(made.size).toBeGreaterThan(10_000);

    const second = validate();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('are valid');
    expect(statSync(file).mtimeMs).toBe(made.mtimeMs);
    expect(statSync(file).ino).toBe(made.ino);
  });

  it('keeps one file per command word', () => {
    expect(validate().code).toBe(0);
    expect(runCli(['--env', 'sandbox', 'plan'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    expect(runCli(['--version'], { cwd: dir, env: { XDG_CACHE_HOME: cacheHome } }).code).toBe(0);
    const folder = join(cacheFileOf('validate'), '..');
    expect(readdirSync(folder).sort()).toEqual(['cli.bin', 'plan.bin', 'validate.bin']);
  });

  it('replaces data V8 rejects, and the command runs as if there were none', () => {
    expect(validate().code).toBe(0);
    const file = cacheFileOf('validate');
    writeFileSync(file, Buffer.alloc(4096, 7));

    const run = validate();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 export definitions in 4 files are valid');
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('removes the folders of other builds when this build first writes, and keeps its own for other Node.js', () => {
    const root = join(cacheHome, 'cxone-exports', 'code-cache');
    mkdirSync(join(root, 'an-older-build-v24.0.0-x64'), { recursive: true });
    writeFileSync(join(root, 'an-older-build-v24.0.0-x64', 'validate.bin'), 'old');
    expect(validate().code).toBe(0);
    const [own] = buildFolders();
    const otherNode = own!.replace(`-${process.version}-`, '-v99.0.0-');
    mkdirSync(join(root, otherNode));

    rmSync(join(root, own!), { recursive: true });
    expect(validate().code).toBe(0);
    expect(buildFolders().sort()).toEqual([own, otherNode].sort());
  });

  it('is neither read nor written with NODE_DISABLE_COMPILE_CACHE=1', () => {
    const run = validate({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(run.code).toBe(0);
    expect(existsSync(join(cacheHome, 'cxone-exports'))).toBe(false);
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
