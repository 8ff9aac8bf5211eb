// Writes that either complete or fail, never half-happen. A full disk gives a short write and then ENOSPC; a
// write that ignores that installs a truncated file. Here every byte is written (FileHandle.writeFile loops
// until done or throws), synced, and only then renamed into place; on any failure the old file is untouched
// and the temp file is removed.

import { basename, dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { crypto, fsPromises } from '../on-first-use.js';

/** Replaces `path` with `text` atomically and durably: temp file, write all, fsync, rename, fsync the directory. */
export async function writeFileDurably(path: string, text: string | Buffer): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${crypto().randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await fsPromises().open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsPromises().rename(temp, path);
  } catch (error) {
    await fsPromises()
      .rm(temp, { force: true })
      .catch(() => undefined);
    throw withPath(error, path);
  }
  await fsyncDirectory(dirname(path));
}

/**
 * Appends `text` and fdatasyncs it. When the append fails part-way (a full disk), the file is cut back to its
 * old size, so no torn line is left for the next reader, and the error is thrown. `text` may be made from what
 * the file holds: it is then called with the open file and its size (an audit line chains onto the last one).
 */
export async function appendDurably(
  path: string,
  text: string | ((handle: FileHandle, size: number) => Promise<string>),
): Promise<{ created: boolean }> {
  const handle = await fsPromises().open(path, 'a+', 0o644);
  let sizeBefore = 0;
  try {
    sizeBefore = (await handle.stat()).size;
    await handle.writeFile(typeof text === 'string' ? text : await text(handle, sizeBefore));
    // fdatasync: the data and the size that makes it readable, without other metadata.
    await handle.datasync();
  } catch (error) {
    await handle.truncate(sizeBefore).catch(() =>
      fsPromises()
        .truncate(path, sizeBefore)
        .catch(() => undefined),
    );
    throw withPath(error, path);
  } finally {
    await handle.close();
  }
  const created = sizeBefore === 0;
  if (created) await fsyncDirectory(dirname(path));
  return { created };
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fsPromises().open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
    if (!['EINVAL', 'EPERM', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** A write on an open handle fails without a path; the message needs the file's name. */
function withPath(error: unknown, path: string): unknown {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string')
    (error as NodeJS.ErrnoException).path ??= path;
  return error;
}
