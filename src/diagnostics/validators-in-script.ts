// The CLI script's source of compiled validators (build/finish-build.ts resolves schema-validator.ts's import of
// compiled-validators.ts to this module there): the config's and the definitions' validators, which nearly every
// command runs, are required by paths esbuild follows, so they are in the script and run from V8's code cache of
// the command's last run rather than being compiled on every start. The others come from dist/compiled-schemas/.

import { requireCompiledValidator as requireFromDist } from './compiled-validators.js';

export function requireCompiledValidator(name: string): unknown {
  // The script is CommonJS: its own require, with literal paths for esbuild to bundle.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (name === 'config') return require('../../dist/compiled-schemas/config.cjs') as unknown;
  if (name === 'export') return require('../../dist/compiled-schemas/export.cjs') as unknown;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return requireFromDist(name);
}
