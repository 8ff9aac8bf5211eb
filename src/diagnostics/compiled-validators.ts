// Where the validators the build compiled (schema-compiler.ts) are: one CommonJS module per schema under
// dist/compiled-schemas/, loaded by require. In the CLI's script the schema checker takes them from
// validators-in-script.ts instead, which bundles the two nearly every command runs.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-files.js';

export const COMPILED_SCHEMAS_DIR = join(PACKAGE_ROOT, 'dist/compiled-schemas/');

// Named apart from `require`: the bundle defines a module-wide `require` of its own (see build/finish-build.ts).
const requireCommonJs = createRequire(import.meta.url);

/** The module the build compiled for the named schema; throws MODULE_NOT_FOUND where there was no build. */
export function requireCompiledValidator(name: string): unknown {
  return requireCommonJs(`${COMPILED_SCHEMAS_DIR}${name}.cjs`);
}
