// Running the CLI, one CommonJS script, with V8's code cache of the same command's runs. Node's module compile
// cache keeps only what V8 compiles when a module loads, which is little: V8 compiles most functions when they
// are first called. Cached data made at the end of a run holds those too, so the next start neither parses nor
// compiles what the command ran (the YAML parser, commander, the checks). It works on Node.js 20 as well.
//
// V8 checks cached data against nothing but the source's length, so what it is handed is code that will run.
// This file is therefore the only gate, and it opens only for data that:
// - was made for the exact script read now: each entry starts with the script's size and CRC-32, compared with
//   the bytes just read before V8 sees the data (an edit of the installed script shows at once);
// - the user running the command made: a regular file owned by this uid and writable by no one else, in a
//   folder that is too (and named for the uid), opened without following a link and without blocking on a
//   FIFO, read up to a bound. The checksum guards against accidents; ownership keeps others out (whoever can
//   write as this user can run code as this user anyway).
// Every failure to read or write the cache only costs start-up time; the cache is safe to delete.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Fs from 'node:fs';
import type * as Vm from 'node:vm';
import type * as Zlib from 'node:zlib';

// Required, not imported: an ES module's import of node:fs makes all of its named exports, and one of them loads
// Node's streams, a few milliseconds that no command start needs.
const requireBuiltin = createRequire(import.meta.url);
const fs = requireBuiltin('node:fs') as typeof Fs;
const { Script } = requireBuiltin('node:vm') as typeof Vm;

/** "cxcc" and the layout's version: an entry of another layout (or no entry at all) is not read. */
const MAGIC = 0x63786363_01n;
/** The magic, the script's size and CRC-32, and how many more runs may refine the entry. */
const HEADER_BYTES = 20;
const BUDGET_OFFSET = 16;
/** Far above any real entry (a few hundred KB): a larger file is not an entry, and is not read whole. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;
/**
 * Making the data costs a run some 10 ms, more than reading it saves: only the first few runs after an entry is
 * written make it again, to replace the entry when they compiled clearly more (a short run's cache by a full
 * run's). After those, a run only reads.
 */
const REFINING_RUNS = 3;
const GROWTH_TO_REPLACE = 1.05;
/** Another build's caches are removed once unused for this long: a user may switch between versions. */
const PRUNE_AFTER_MS = 30 * 24 * 3600 * 1000;

export interface CodeCacheFile {
  /** The folder of all builds' caches, whose long-unused other builds a new build's first write removes. */
  root: string;
  /** In the folder of this build, Node.js version, architecture and uid. */
  file: string;
  uid: number;
  /** Whether a run may write the cache (not in a fresh CI job, where a write costs more than it saves). */
  writes: boolean;
  /** When this run started (ms since the epoch), which other builds' caches are judged unused against. */
  startedAt: number;
}

/** Where the cache is, or undefined when there is none: a root that is not absolute, or no uid to own it. */
export function codeCacheFile(
  root: string | undefined,
  buildId: string,
  commandWord: string,
  startedAt: number,
  writes = true,
): CodeCacheFile | undefined {
  const uid = process.getuid?.();
  if (root === undefined || !root.startsWith('/') || uid === undefined) return undefined;
  const folder = `${buildId}-${process.version}-${process.arch}-u${uid}`;
  return { root, file: join(root, folder, `${commandWord}.bin`), uid, writes, startedAt };
}

/** Runs `script` as Node runs a CommonJS module, from the cache when it holds this script's data. */
export function runCommonJsWithCodeCache(script: string, cache: CodeCacheFile | undefined): void {
  const bytes = fs.readFileSync(script);
  const held = cache === undefined ? undefined : readEntry(cache, bytes);
  const source = bytes.toString('utf8');
  // The wrapper shares the script's first line, as Node's own CommonJS wrapper did: line numbers stay.
  const compiled = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: script,
    cachedData: held?.data,
  });
  if (cache !== undefined && cache.writes) {
    const usable = held !== undefined && compiled.cachedDataRejected !== true ? held : undefined;
    // Written only after a run that succeeded; replaced only when a refining run compiled clearly more.
    process.once('exit', (code) => {
      if (code !== 0 || (usable !== undefined && usable.refiningRuns === 0)) return;
      const data = compiled.createCachedData();
      if (usable !== undefined && data.length <= usable.data.length * GROWTH_TO_REPLACE)
        return countRefiningRun(cache, usable.refiningRuns - 1);
      const checksum = usable?.checksum ?? checksumOf(bytes);
      if (checksum !== undefined) save(cache, bytes.length, checksum, data);
    });
  }
  const module = { exports: {} };
  const run = compiled.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(script), module, script, dirname(script));
}

/** The script's CRC-32, or undefined where Node.js has none to give (before 20.15 and 22.2): then no cache. */
function checksumOf(bytes: Buffer): number | undefined {
  const { crc32 } = requireBuiltin('node:zlib') as typeof Zlib & { crc32?: (data: Buffer) => number };
  return crc32 === undefined ? undefined : crc32(bytes);
}

interface HeldEntry {
  data: Buffer;
  refiningRuns: number;
  checksum: number;
}

/**
 * The V8 data of the entry, if it is ours and made for this script; undefined otherwise. The script's checksum
 * is computed only for an entry that passed every other check: a start with no entry never pays for it.
 */
function readEntry(cache: CodeCacheFile, script: Buffer): HeldEntry | undefined {
  let fd: number | undefined;
  try {
    if (!ownedFolder(dirname(cache.file), cache.uid)) return undefined;
    const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
    fd = fs.openSync(cache.file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ownedBy(stat, cache.uid) || stat.size <= HEADER_BYTES || stat.size > MAX_ENTRY_BYTES)
      return undefined;
    const entry = Buffer.allocUnsafe(stat.size);
    if (fs.readSync(fd, entry, 0, entry.length, 0) !== entry.length) return undefined;
    if (entry.readBigUInt64BE(0) !== MAGIC || entry.readUInt32BE(8) !== script.length) return undefined;
    const checksum = checksumOf(script);
    if (checksum === undefined || entry.readUInt32BE(12) !== checksum) return undefined;
    return { data: entry.subarray(HEADER_BYTES), refiningRuns: entry.readUInt32BE(BUDGET_OFFSET), checksum };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function ownedFolder(folder: string, uid: number): boolean {
  const stat = fs.lstatSync(folder);
  return stat.isDirectory() && ownedBy(stat, uid);
}

/** Owned by `uid`, and writable by neither its group nor others. */
function ownedBy(stat: Fs.Stats, uid: number): boolean {
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

function save(cache: CodeCacheFile, scriptBytes: number, checksum: number, data: Buffer): void {
  const folder = dirname(cache.file);
  // A random name opened exclusively: nothing planted under a guessable name is written through.
  const temporary = `${cache.file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  let fd: number | undefined;
  try {
    const made = fs.mkdirSync(folder, { recursive: true, mode: 0o700 }) !== undefined;
    if (!ownedFolder(folder, cache.uid)) return;
    if (made) pruneUnusedBuilds(cache.root, folder, cache.uid, cache.startedAt);
    fd = fs.openSync(temporary, 'wx', 0o600);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeBigUInt64BE(MAGIC, 0);
    header.writeUInt32BE(scriptBytes, 8);
    header.writeUInt32BE(checksum, 12);
    header.writeUInt32BE(REFINING_RUNS, BUDGET_OFFSET);
    fs.writeSync(fd, header);
    fs.writeSync(fd, data);
    fs.closeSync(fd);
    fd = undefined;
    // Atomic: a command starting meanwhile reads the whole of an old entry, the whole of this one, or none.
    fs.renameSync(temporary, cache.file);
  } catch {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nowhere to have written it (the folder is not one).
    }
  }
}

/** Counts down the entry's refining runs in place: four bytes of its header, in a file that passed the checks. */
function countRefiningRun(cache: CodeCacheFile, left: number): void {
  let fd: number | undefined;
  try {
    const { O_WRONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
    fd = fs.openSync(cache.file, O_WRONLY | O_NOFOLLOW | O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ownedBy(stat, cache.uid) || stat.size <= HEADER_BYTES) return;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(Math.max(0, left));
    fs.writeSync(fd, count, 0, 4, BUDGET_OFFSET);
  } catch {
    // Counted again next run.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * An upgrade leaves the caches of the build before behind. Those unused for a month go when a new folder is
 * made; recent ones stay, since one user may switch between versions (or run several Node.js versions).
 */
function pruneUnusedBuilds(root: string, keep: string, uid: number, now: number): void {
  for (const entry of fs.readdirSync(root)) {
    const folder = join(root, entry);
    if (folder === keep) continue;
    const stat = fs.lstatSync(folder);
    if (stat.isDirectory() && stat.uid === uid && now - stat.mtimeMs > PRUNE_AFTER_MS)
      fs.rmSync(folder, { recursive: true, force: true });
  }
}
