// Running the CLI, one CommonJS script, with V8's code cache of the same command's last run. Node's module
// compile cache (22 and newer) keeps only what V8 compiles when a module loads, which is little: V8 compiles
// most functions when they are first called. Cached data made at the end of a run holds those too, so the
// next start neither parses nor compiles what the command ran (the YAML parser, commander, the checks). It
// works on Node.js 20 as well.
//
// The cache is a file per command word in the user's cache folder, in a folder per CLI build, Node.js version
// and architecture: V8 rejects data of another V8, and would trust data of another script of the same length,
// hence the build's content hash in the folder name. Every failure to read or write it only costs start-up
// time; it is safe to delete.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Fs from 'node:fs';
import type * as Vm from 'node:vm';

// Required, not imported: an ES module's import of node:fs makes all of its named exports, and one of them loads
// Node's streams, a few milliseconds that no command start needs.
const requireBuiltin = createRequire(import.meta.url);
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = requireBuiltin(
  'node:fs',
) as typeof Fs;
const { Script } = requireBuiltin('node:vm') as typeof Vm;

export interface CodeCacheFile {
  /** The folder of all builds' caches, whose other builds' folders a new build's first run removes. */
  root: string;
  buildId: string;
  /** In the folder of this build, Node.js version and architecture. */
  file: string;
}

export function codeCacheFile(root: string, buildId: string, commandWord: string): CodeCacheFile {
  return { root, buildId, file: join(root, `${buildId}-${process.version}-${process.arch}`, `${commandWord}.bin`) };
}

/** Runs `script` as Node runs a CommonJS module, from the cache when there is one; makes one when there is not. */
export function runCommonJsWithCodeCache(script: string, cache: CodeCacheFile | undefined): void {
  // ASCII, which the build checks: Latin-1 is then the same text, copied rather than decoded.
  const source = readFileSync(script, 'latin1');
  const cachedData = cache === undefined ? undefined : readIfPresent(cache.file);
  // The wrapper shares the script's first line, as Node's own CommonJS wrapper did: line numbers stay.
  const compiled = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: script,
    cachedData,
  });
  if (cache !== undefined && (cachedData === undefined || compiled.cachedDataRejected === true))
    process.once('exit', () => save(cache, () => compiled.createCachedData()));
  const module = { exports: {} };
  const run = compiled.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(script), module, script, dirname(script));
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function save(cache: CodeCacheFile, data: () => Buffer): void {
  const temporary = `${cache.file}.${process.pid}.tmp`;
  try {
    if (mkdirSync(dirname(cache.file), { recursive: true }) !== undefined) removeOtherBuilds(cache);
    writeFileSync(temporary, data());
    // Atomic: a command starting meanwhile reads the whole of an old cache, the whole of this one, or none.
    renameSync(temporary, cache.file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nowhere to have written it (the folder is not one).
    }
  }
}

/**
 * An upgrade leaves the caches of the build before behind; its first run removes them. Those of this build on
 * other Node.js versions stay: one user may run several.
 */
function removeOtherBuilds(cache: CodeCacheFile): void {
  for (const entry of readdirSync(cache.root))
    if (!entry.startsWith(`${cache.buildId}-`)) rmSync(join(cache.root, entry), { recursive: true, force: true });
}
