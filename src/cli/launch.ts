#!/usr/bin/env node
// The installed command's first module (the package's bin, dist/cli/main.js once built). It runs the CLI, the
// CommonJS bundle beside it, with V8's code cache of the command's last run (code-cache.ts); on Node.js 22 and
// newer it also turns on Node's module compile cache, for what the CLI requires beside it (the other schema
// validators, the packages left in node_modules) and the worker of a parallel check. Both caches live
// in the user's cache folder and are safe to delete; NODE_DISABLE_COMPILE_CACHE=1 turns both off.

import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, runCommonJsWithCodeCache } from './code-cache.js';
import { commandWordOf } from './command-words.js';

/** The bundle's content hash, written in by the build (build/finish-build.ts). */
declare const CLI_BUNDLE_ID: string;

const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cxone-exports');
const cachesOn = process.env.NODE_DISABLE_COMPILE_CACHE === undefined;

const enableCompileCache = (module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
if (cachesOn && enableCompileCache !== undefined) {
  try {
    enableCompileCache(join(cacheRoot, 'compile-cache'));
  } catch {
    // A cache that cannot be written (a read-only home) only costs start-up time.
  }
}

runCommonJsWithCodeCache(
  fileURLToPath(new URL('./cli.cjs', import.meta.url)),
  cachesOn
    ? codeCacheFile(join(cacheRoot, 'code-cache'), CLI_BUNDLE_ID, commandWordOf(process.argv.slice(2)))
    : undefined,
);
