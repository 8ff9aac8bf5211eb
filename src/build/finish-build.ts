// The build's steps after tsc (`npm run build`): the schemas compiled to standalone validators, then the command
// bundled. A command that starts from one bundle resolves and reads a few files where tsc's output and
// node_modules make it read some three hundred; that is most of what start-up costs a pre-commit hook.
//
// The CLI is one CommonJS script, dist/cli/cli.cjs (from cli/cli.ts), which the launcher (cli/main.ts, bundled
// over tsc's dist/cli/main.js, the path the package's bin and the Action name) runs with V8's code cache
// (cli/code-cache.ts): a cache V8 makes after a run holds the functions the run compiled, which Node's module
// compile cache does not.
// What a command needs only sometimes (apply's client, serve, the simulator, PostgreSQL) is in the script but is
// not run until its dynamic import is. The worker of a parallel check is a bundle of its own beside it. The
// package ships these three files and nothing else of dist/ but the validators.

import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
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

/**
 * commander requires node:child_process when it loads, for subcommands that are executables of their own, which
 * this CLI has none of; loading it costs every start several milliseconds. In the CLI's script commander gets a
 * stand-in that requires the module when a property is first read. (Our own sources call Node's heavier modules
 * through src/on-first-use.ts instead, in plain code.)
 */
const childProcessOnFirstUse: Plugin = {
  name: 'commander-child-process-on-first-use',
  setup(plugin) {
    const commander = join(PACKAGE_ROOT, 'node_modules/commander/');
    plugin.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.startsWith(commander) ? { path: args.path, namespace: 'on-first-use' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'on-first-use' }, () => ({
      contents:
        'let loaded;\n' +
        "module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Packages only some commands use (an HTTP client, PostgreSQL's driver, metrics and the task list for those that
 * call CXone, serve or reach PostgreSQL; cosmiconfig for a config that is not YAML), which are more than half of
 * the code: in the CLI's script, V8 would read and cache them for every start. They are the package's
 * dependencies, installed beside it, and required from node_modules when one of those commands loads them.
 * test/startup/light-commands.e2e.test.ts checks that validate, plan and status load none of them, nor anything
 * else from node_modules.
 */
const LOADED_FROM_NODE_MODULES = [
  'axios',
  'pg',
  'pg-copy-streams',
  'prom-client',
  'listr2',
  'cockatiel',
  'cosmiconfig',
];

/**
 * In the CLI's script, the schema checker's validators come from diagnostics/validators-in-script.ts, which
 * bundles those nearly every command runs (covered by the code cache), rather than from compiled-validators.ts,
 * which requires each from dist/compiled-schemas/ (as tsc's output and the tests do).
 */
const validatorsInScript: Plugin = {
  name: 'validators-in-script',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/compiled-validators\.js$/ }, (args) =>
      args.importer.endsWith('/src/diagnostics/schema-validator.ts')
        ? { path: join(PACKAGE_ROOT, 'src/diagnostics/validators-in-script.ts') }
        : undefined,
    );
  },
};

/** What every bundle of the command shares. */
const BUNDLE_OPTIONS: BuildOptions = {
  absWorkingDir: PACKAGE_ROOT,
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Loaded only if present or asked for: pg's native binding, cosmiconfig's loader for TypeScript configs.
  external: ['pg-native', 'typescript'],
  // Whitespace and syntax only: names stay, so the stack trace of a real bug still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  allowOverwrite: true,
  logLevel: 'warning',
};

writeCompiledSchemas();
// The chunks of earlier builds, which split the CLI into ES modules.
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

const cliBundle = await build({
  ...BUNDLE_OPTIONS,
  entryPoints: { cli: 'src/cli/cli.ts' },
  outExtension: { '.js': '.cjs' },
  external: [...(BUNDLE_OPTIONS.external ?? []), ...LOADED_FROM_NODE_MODULES],
  format: 'cjs',
  // import() as require(): a script run through node:vm has no import() of its own (not without a flag, nor on
  // Node.js 20 from cached data). What the script imports so is Node's own modules; cosmiconfig, which imports a
  // user's JavaScript config, is required from node_modules (LOADED_FROM_NODE_MODULES), where import() works.
  supported: { 'dynamic-import': false },
  // The sources' import.meta.url (where the package's files are), as CommonJS has it.
  define: { 'import.meta.url': 'importMetaUrlOfBundle' },
  banner: { js: "const importMetaUrlOfBundle = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [childProcessOnFirstUse, validatorsInScript],
  write: false,
});
const cliScript = cliBundle.outputFiles[0]!;
writeFileSync(cliScript.path, cliScript.contents);

await build({
  ...BUNDLE_OPTIONS,
  entryPoints: {
    // Beside the CLI, where definitions/parallel-check.ts looks for it.
    'check-worker': 'src/definitions/check-worker.ts',
    // The launcher, bundled over tsc's dist/cli/main.js; the CLI script's hash keys its code cache.
    main: 'src/cli/main.ts',
  },
  format: 'esm',
  define: { CLI_BUNDLE_ID: JSON.stringify(createHash('sha256').update(cliScript.contents).digest('hex').slice(0, 16)) },
  banner: { js: REQUIRE_FOR_COMMONJS },
});
