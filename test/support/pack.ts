// This checkout packed as npm would publish it, once per test run, for the tests that install it as a user does:
// the first test file to ask packs it (and installs it into a folder of its own); the others wait for that.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface PackedPackage {
  tarball: string;
  /** What `npm pack --json` said of it. */
  manifest: { filename: string; size: number; entryCount: number };
  /** A folder with the tarball installed (package.json, package-lock.json, node_modules). */
  installed: string;
}

/** The run's packed package; packed by the first caller in the run, whichever test file that is. */
export async function packedPackage(): Promise<PackedPackage> {
  const folder = join(process.env.CXONE_TEST_RUN_FOLDER ?? tmpdir(), 'packed-package');
  const done = join(folder, 'packed.json');
  const failed = join(folder, 'failed.txt');
  try {
    mkdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await waitFor(() => existsSync(done) || existsSync(failed), 'the package another test file packs', 180_000);
    if (existsSync(failed)) throw new Error(`packing failed in another test file: ${readFileSync(failed, 'utf8')}`);
    return JSON.parse(readFileSync(done, 'utf8')) as PackedPackage;
  }
  try {
    const packed = pack(folder);
    writeFileSync(`${done}.tmp`, JSON.stringify(packed));
    renameSync(`${done}.tmp`, done);
    return packed;
  } catch (error) {
    writeFileSync(failed, String(error));
    throw error;
  }
}

function pack(folder: string): PackedPackage {
  // dist/ is built already (npm test builds first); packing must not rebuild it under other tests' feet.
  const [manifest] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  ) as PackedPackage['manifest'][];
  const tarball = join(folder, manifest!.filename);
  const installed = join(folder, 'consumer');
  mkdirSync(installed);
  writeFileSync(join(installed, 'package.json'), '{ "name": "consumer", "private": true }\n');
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: installed,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
    stdio: 'ignore',
  });
  return { tarball, manifest: manifest!, installed };
}
