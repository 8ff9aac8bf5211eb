#!/usr/bin/env node
// The installed command's first module (the package's bin, dist/cli/main.js once built). It runs the CLI, the
// CommonJS bundle beside it, with V8's code cache of the command's runs (code-cache.ts), and turns on Node's
// module compile cache (Node.js 22.1 and newer, in Node's own place, NODE_COMPILE_CACHE honoured) for what the
// CLI requires beside it and the worker of a parallel check. NODE_DISABLE_COMPILE_CACHE=1 turns both off.

import module from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, runCommonJsWithCodeCache } from './code-cache.js';
import { commandWordOf } from './command-words.js';

/** The bundle's content hash, written in by the build (build/finish-build.ts). */
declare const CLI_BUNDLE_ID: string;

const cachesOn = process.env.NODE_DISABLE_COMPILE_CACHE === undefined;

const enableCompileCache = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
if (cachesOn && enableCompileCache !== undefined) {
  try {
    enableCompileCache();
  } catch {
    // A cache that cannot be written only costs start-up time.
  }
}

/**
 * The user's cache folder, only where it is an absolute path: XDG_CACHE_HOME, else HOME's .cache. Never the
 * working folder (a relative path), and never a look-up in the user database, which fails for a uid it lacks.
 */
function userCacheHome(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return xdg;
  const home = env.HOME;
  return home !== undefined && isAbsolute(home) ? join(home, '.cache') : undefined;
}

/** A fresh CI job runs a command once or twice: writing the cache costs more there than it saves. */
function inFreshCiJob(env: NodeJS.ProcessEnv): boolean {
  return env.CI === 'true' || env.CI === '1' || env.GITHUB_ACTIONS === 'true';
}

const cacheHome = cachesOn ? userCacheHome(process.env) : undefined;
runCommonJsWithCodeCache(
  fileURLToPath(new URL('./cli.cjs', import.meta.url)),
  codeCacheFile(
    cacheHome === undefined ? undefined : join(cacheHome, 'cxone-exports', 'code-cache'),
    CLI_BUNDLE_ID,
    commandWordOf(process.argv.slice(2)),
    Date.now(),
    !inFreshCiJob(process.env),
  ),
);
