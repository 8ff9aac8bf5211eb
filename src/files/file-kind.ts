// What kind of file a path is, for refusing what is not a regular file before anything reads it (a FIFO would
// block a read forever, a socket or a device is never a file of ours), and folders made level by level.

import { existsSync, mkdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { fsPromises } from '../on-first-use.js';

export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Refuses `path` when it exists and is not a regular file, naming it as `shown`; a missing file is fine. */
export async function refuseIrregularFile(path: string, shown: string): Promise<void> {
  const stats = await fsPromises()
    .stat(path)
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  if (stats === undefined || stats.isFile()) return;
  throw new UsageError(`${shown} is ${kindOf(stats)}, not a regular file, so it is not read or written`, {
    hint: `Move ${shown} aside (it is not one of cxone-exports' files), then run the command again.`,
  });
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir loops forever under /proc (where mkdir answers ENOENT for
 * a parent that exists), so each missing level is made on its own and any failure is the caller's to report.
 */
export async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const stats = await fsPromises()
      .stat(dir)
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
    if (stats !== undefined) {
      if (!stats.isDirectory())
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path: dir });
      break;
    }
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing)
    await fsPromises()
      .mkdir(dir)
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
}

/** The same, synchronously. */
export function makeDirectorySync(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing)
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
}
