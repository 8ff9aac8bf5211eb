#!/usr/bin/env node
// The installed command's first module. On Node.js 22 and newer it turns on the module compile cache before the
// CLI loads, so a command started again (a pre-commit hook, a CI step) skips compiling the code it ran last time.
// The cache lives in the user's cache folder and is safe to delete; NODE_DISABLE_COMPILE_CACHE=1 turns it off.

import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const enableCompileCache = (module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
if (enableCompileCache !== undefined) {
  try {
    const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    enableCompileCache(join(cacheHome, 'cxone-exports', 'compile-cache'));
  } catch {
    // A cache that cannot be written (a read-only home) only costs start-up time.
  }
}

await import('./main.js');
