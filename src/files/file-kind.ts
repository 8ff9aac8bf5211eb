// What kind of file a path is, for refusing what is not a regular file before anything reads it: a FIFO would
// block a read forever, a socket or a device is never a file of ours.

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';

export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Refuses `path` when it exists and is not a regular file, naming it as `shown`; a missing file is fine. */
export async function refuseIrregularFile(path: string, shown: string): Promise<void> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stats === undefined || stats.isFile()) return;
  throw new UsageError(`${shown} is ${kindOf(stats)}, not a regular file, so it is not read or written`, {
    hint: `Move ${shown} aside (it is not one of cxone-exports' files), then run the command again.`,
  });
}
