// The build's steps after tsc (`npm run build`): the schemas compiled to standalone validators, then the command
// bundled. A command that starts from one bundle resolves and reads a few files where tsc's output and
// node_modules make it read some three hundred; that is most of what start-up costs a pre-commit hook.
//
// The CLI is one CommonJS script, dist/cli/cli.cjs (from cli/cli.ts), which the launcher (cli/main.ts, bundled
// over tsc's dist/cli/main.js, the path the package's bin and the Action name) runs with V8's code cache (cli/code-cache.ts):
// a cache V8 makes after a run holds the functions the run compiled, which Node's module compile cache does not.
// What a command needs only sometimes (apply's client, serve, the simulator, PostgreSQL) is in the script but is
// not run until its dynamic import is. The worker of a parallel check is a bundle of its own beside it. The
// package ships these three files and nothing else of dist/ but the validators.

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

const requireForBuild = createRequire(import.meta.url);

/** Node's modules that cost a start a millisecond or more to load, and that most commands never call. */
const LOADED_ON_FIRST_USE = ['crypto', 'child_process', 'readline', 'readline/promises', 'fs/promises', 'stream'];

/**
 * Loading one of LOADED_ON_FIRST_USE when the CLI starts (commander requires child_process for subcommands that
 * are executables of their own, which this CLI has none of; a module that hashes imports crypto) costs a command
 * that never calls it. In the CLI's bundle, our modules and commander get a stand-in for each: the module's
 * exports, each a getter that requires the module when first read.
 */
const builtinsOnFirstUse: Plugin = {
  name: 'builtins-on-first-use',
  setup(plugin) {
    const names = new RegExp(`^node:(${LOADED_ON_FIRST_USE.join('|')})$`);
    const importers = [join(PACKAGE_ROOT, 'src/'), join(PACKAGE_ROOT, 'node_modules/commander/')];
    plugin.onResolve({ filter: names }, (args) =>
      importers.some((folder) => args.importer.startsWith(folder))
        ? { path: args.path, namespace: 'on-first-use' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'on-first-use' }, (args) => {
      const id = JSON.stringify(args.path);
      const exported = JSON.stringify(Object.keys(requireForBuild(args.path) as object));
      return {
        contents:
          `let loaded;\n` +
          `for (const key of ${exported})\n` +
          `  Object.defineProperty(exports, key, { enumerable: true, get: () => (loaded ??= require(${id}))[key] });`,
        loader: 'js',
      };
    });
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

/** The validators in the CLI's script rather than beside it: those nearly every command runs. */
const VALIDATORS_IN_SCRIPT = ['config', 'export'];

/**
 * diagnostics/compiled-validators.ts, in the CLI's script: VALIDATORS_IN_SCRIPT are required by paths esbuild can
 * follow, so they are bundled (and covered by the code cache); the others are still required from
 * dist/compiled-schemas/.
 */
const validatorsInScript: Plugin = {
  name: 'validators-in-script',
  setup(plugin) {
    plugin.onLoad({ filter: /\/src\/diagnostics\/compiled-validators\.ts$/ }, (args) => {
      const original = readFileSync(args.path, 'utf8');
      const cases = VALIDATORS_IN_SCRIPT.map((name) => {
        const file = JSON.stringify(join(PACKAGE_ROOT, 'dist/compiled-schemas', `${name}.cjs`));
        return `  if (name === ${JSON.stringify(name)}) return require(${file});`;
      });
      const signature = 'export function requireCompiledValidator(name: string): unknown {';
      if (!original.includes(signature)) throw new Error(`${args.path} no longer declares: ${signature}`);
      return {
        contents: original.replace(signature, `${signature}\n${cases.join('\n')}`),
        loader: 'ts',
      };
    });
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
  plugins: [builtinsOnFirstUse, validatorsInScript],
  write: false,
});
const cliScript = cliBundle.outputFiles[0]!;
// The launcher reads the script as Latin-1, a copy where UTF-8 would be a decode: it must be ASCII. esbuild
// escapes what is not, but in regular expressions, where the source must write \u escapes itself.
const nonAscii = cliScript.contents.findIndex((byte) => byte > 0x7f);
if (nonAscii >= 0)
  throw new Error(`dist/cli/cli.cjs has a character that is not ASCII at byte ${nonAscii}: write it as a \\u escape`);
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
