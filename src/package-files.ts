// Where the installed package's own files are: the nearest folder above this module that holds package.json,
// beside dist/, schemas/, templates/ and deploy/. Found by walking up rather than by a fixed "../", because this
// module runs from src/ (the tests), from dist/ (tsc's output) and from dist/cli/cli.cjs (the script the command
// runs).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from './errors.js';

function packageRootAbove(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new InternalError(`no package.json above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = packageRootAbove(import.meta.url);
