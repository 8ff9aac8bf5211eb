// The build's steps after tsc (`npm run build`): the schemas compiled to standalone validators, then the command
// bundled. A command that starts from one bundle resolves and reads a few files where tsc's output and
// node_modules make it read some three hundred; that is most of what start-up costs a pre-commit hook.
//
// The bundle replaces tsc's dist/cli/main.js, the path the package's bin and the setup action name: its entry is
// cli/launch.ts (the compile cache, then the CLI). What a command needs only sometimes (apply's client, serve,
// the simulator, PostgreSQL) stays in chunks of its own under dist/cli/chunks/, loaded by the same dynamic
// imports as in the sources. The package ships these files and nothing else of dist/ but the validators.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { writeCompiledSchemas } from '../diagnostics/schema-compiler.js';
import { PACKAGE_ROOT } from '../package-files.js';

// Bundled CommonJS packages (commander, cosmiconfig, pg) call require() for Node's own modules, which an ES
// module has no binding for; cosmiconfig's loader of JavaScript configs (import-fresh) reads __filename too.
const REQUIRE_FOR_COMMONJS =
  "import { createRequire as createRequireForBundle } from 'node:module';\n" +
  "import { fileURLToPath as fileURLToPathForBundle } from 'node:url';\n" +
  'const require = createRequireForBundle(import.meta.url);\n' +
  'const __filename = fileURLToPathForBundle(import.meta.url);\n' +
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));";

writeCompiledSchemas();
// esbuild adds chunks and never removes them: those of an earlier build would pile up, and be packed.
rmSync(join(PACKAGE_ROOT, 'dist/cli/chunks'), { recursive: true, force: true });

// Each validator with the parts of ajv and ajv-formats it requires, in one file: no lookups in node_modules.
await build({
  absWorkingDir: PACKAGE_ROOT,
  entryPoints: ['dist/compiled-schemas/*.cjs'],
  outdir: 'dist/compiled-schemas',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  allowOverwrite: true,
  logLevel: 'warning',
});

await build({
  absWorkingDir: PACKAGE_ROOT,
  // The worker of a parallel check sits beside the chunk that starts it (definitions/parallel-check.ts).
  entryPoints: { main: 'src/cli/launch.ts', 'chunks/check-worker': 'src/definitions/check-worker.ts' },
  outdir: 'dist/cli',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded only if present or asked for: pg's native binding, cosmiconfig's loader for TypeScript configs.
  external: ['pg-native', 'typescript'],
  banner: { js: REQUIRE_FOR_COMMONJS },
  // Whitespace and syntax only: names stay, so the stack trace of a real bug still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  allowOverwrite: true,
  logLevel: 'warning',
});
