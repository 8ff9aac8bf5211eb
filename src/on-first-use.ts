// Node's modules that cost a start a millisecond or more to load and that most commands never call, loaded when a
// command first calls them rather than when the CLI starts. Sources call these instead of importing the modules
// (eslint.config.js forbids the imports in src/; a type-only import costs nothing and stays allowed).

import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Readline from 'node:readline';
import type * as ReadlinePromises from 'node:readline/promises';

// Named apart from `require`, which the CLI's CommonJS script has of its own.
const requireBuiltin = createRequire(import.meta.url);

function onFirstUse<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireBuiltin(id) as T);
}

export const crypto = onFirstUse<typeof Crypto>('node:crypto');
export const childProcess = onFirstUse<typeof ChildProcess>('node:child_process');
export const fsPromises = onFirstUse<typeof FsPromises>('node:fs/promises');
export const readline = onFirstUse<typeof Readline>('node:readline');
export const readlinePromises = onFirstUse<typeof ReadlinePromises>('node:readline/promises');
