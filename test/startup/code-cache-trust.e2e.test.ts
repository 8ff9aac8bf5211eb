// The launcher's code cache as an attacker meets it: V8 trusts cached data of any script of the same length, so
// nothing but an entry this user made for this exact script, in a folder of this user's, may reach it; and where it
// lives, whatever the environment says.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  cacheHome,
  codeCacheFilesUnder,
  dir,
  installedCopy,
  ownFolder,
  plantedEntry,
  STRANGER,
  useCodeCacheFolders,
  validate,
} from './code-cache-fixture.js';

useCodeCacheFolders();

describe('the code cache', () => {
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
});
