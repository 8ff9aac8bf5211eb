// I/O half of config handling: find the config (working directory up to the repository root) the way cosmiconfig
// does, read it keeping source positions where the file form has them, and hand it to parseConfig. cosmiconfig is
// loaded only for what the common case's search cannot answer alone (conventional-search.ts).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { policyDiagnostics } from './policy-config.js';
import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { parseYamlFile } from '../diagnostics/yaml-document.js';
import { UsageError } from '../errors.js';
import { cosmiconfigHasMetaConfig, searchDirectory } from './conventional-search.js';
import type { FoundConfig } from './conventional-search.js';
import { parseConfig } from './parse-config.js';
import type { Environment, RawConfig } from './parse-config.js';
import type { ProjectConfig } from './project-config.js';

export const MODULE_NAME = 'cxone-exports';

export const SEARCH_PLACES = [
  'package.json',
  ...['', '.json', '.yaml', '.yml', '.js', '.mjs', '.cjs'].flatMap((ext) => [
    `.${MODULE_NAME}rc${ext}`,
    `.config/${MODULE_NAME}rc${ext}`,
  ]),
  ...['yaml', 'yml', 'json', 'js', 'mjs', 'cjs'].map((ext) => `${MODULE_NAME}.config.${ext}`),
];

// Forms whose positions we read ourselves with the `yaml` package (JSON is YAML too).
const YAML_FORMS = new Set(['.yaml', '.yml', '.json', '']);

export interface LoadConfigOptions {
  cwd: string;
  /** `--config FILE`: skip the search and load exactly this file. */
  configFile?: string | undefined;
  env: Environment;
  /** `--env NAME` (or CXONE_EXPORTS_ENV): the environment whose config is wanted. */
  environment?: string | undefined;
}

export async function loadConfig(options: LoadConfigOptions): Promise<ProjectConfig> {
  return checkedConfigOf(await readRawConfig(options), options);
}

/**
 * The config of one environment from a config file read once: a command that needs several environments (validate
 * and plan check each) reads and parses the file once.
 */
/** configOf, and the config's policies compiled: a rule that cannot be used stops the command at its line. */
export async function checkedConfigOf(
  raw: RawConfig,
  options: Pick<LoadConfigOptions, 'env' | 'environment'>,
): Promise<ProjectConfig> {
  const config = configOf(raw, options);
  const problems = await policyDiagnostics(raw);
  if (problems.length > 0)
    throw new DiagnosticsError(
      problems,
      `the config in ${raw.displayFile} has policies that cannot be used`,
      'Fix the rules above; docs/reference/policies.md lists what a rule may read.',
    );
  return config;
}

export function configOf(raw: RawConfig, options: Pick<LoadConfigOptions, 'env' | 'environment'>): ProjectConfig {
  const result = parseConfig(raw, options.env, options.environment);
  if (!result.ok) {
    // A bad CXONE_AUTH_URL or CXONE_API_URL is the environment's fault, not the file's: say so, without a position.
    // An --env the config does not define is the command line's fault: a usage error that lists the choices.
    const environment = result.diagnostics.find((d) => d.rule === 'environment-name' && d.file === '--env');
    if (environment !== undefined)
      throw new UsageError(environment.message, {
        hint: 'Name one of the environments in the config: cxone-exports --env NAME …',
      });
    const fromEnvironment = result.diagnostics.filter((d) => d.rule === 'env-url');
    if (fromEnvironment.length > 0) {
      throw new UsageError(fromEnvironment.map((d) => d.message).join('; '), {
        hint: `Fix or unset ${fromEnvironment.map((d) => d.file.slice(1)).join(' and ')} in the environment; without it, the URL in the config file is used.`,
      });
    }
    throw new DiagnosticsError(
      result.diagnostics,
      `the config in ${raw.displayFile} is invalid`,
      'Fix the config problems above; every key is described in the guide docs/guides/configuration.md.',
    );
  }
  return result.config;
}

export async function readRawConfig({
  cwd,
  configFile,
}: Pick<LoadConfigOptions, 'cwd' | 'configFile'>): Promise<RawConfig> {
  let found: FoundConfig | null = null;
  try {
    if (configFile !== undefined) {
      const path = resolve(cwd, configFile);
      if (!existsSync(path))
        throw new UsageError(`config file ${configFile} does not exist`, {
          hint: 'Check the --config path, or leave --config out to search for cxone-exports.config.yaml.',
        });
      refuseIrregularFile(path, cwd);
      found = await (await explorer()).load(path);
      if (found === null)
        throw new UsageError(`config file ${configFile} is empty`, {
          hint: 'Add at least one key, or leave --config out to use the defaults.',
        });
    } else {
      const ownSearch = !cosmiconfigHasMetaConfig(cwd);
      for (const dir of searchDirectories(cwd)) {
        // cosmiconfig reads what it finds; a FIFO would block it forever, so look before it does.
        for (const place of SEARCH_PLACES) refuseIrregularFile(join(dir, place), cwd);
        const answered = ownSearch ? searchDirectory(dir, SEARCH_PLACES, MODULE_NAME) : undefined;
        found = answered !== undefined ? answered : await (await explorer()).search(dir);
        if (found !== null) break;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Syntax errors in JSON or JS configs come from cosmiconfig's own loaders; their messages name the file.
    throw new UsageError(`could not read the config: ${(error as Error).message}`, {
      hint: 'Fix the file, or point --config at another one.',
    });
  }

  if (found === null) {
    return {
      configFile: null,
      displayFile: '(built-in defaults)',
      rootDir: cwd,
      value: {},
      locate: () => ({ file: '(built-in defaults)', line: 1, column: 1 }),
    };
  }
  return rawFromFile(found.filepath, found.config, cwd);
}

/** cosmiconfig, set up for this tool: loaded on first use. */
export async function explorer() {
  const { configExplorer } = await import('./cosmiconfig-explorer.js');
  return configExplorer(MODULE_NAME, SEARCH_PLACES);
}

function rawFromFile(filepath: string, loaded: unknown, cwd: string): RawConfig {
  const displayFile = relative(cwd, filepath).split('\\').join('/') || basename(filepath);
  const base = { configFile: filepath, displayFile, rootDir: dirname(filepath) };
  const isPackageJson = basename(filepath) === 'package.json';
  if (!isPackageJson && !YAML_FORMS.has(extname(filepath))) {
    // JS configs have no source positions to offer; point at the file.
    return { ...base, value: loaded, locate: () => ({ file: displayFile, line: 1, column: 1 }) };
  }
  const parsed = parseYamlFile(displayFile, readFileSync(filepath, 'utf8'));
  if (parsed.diagnostics.length > 0) {
    throw new DiagnosticsError(
      parsed.diagnostics,
      `the config in ${displayFile} is not valid YAML`,
      'Fix the syntax errors above.',
    );
  }
  const document = parsed.documents[0];
  const prefix = isPackageJson ? [MODULE_NAME] : [];
  const fallback = { file: displayFile, line: 1, column: 1 };
  return {
    ...base,
    value: isPackageJson ? loaded : (document?.value ?? {}),
    locate: (path, target) => document?.locate([...prefix, ...path], target) ?? fallback,
  };
}

/** Only regular files are config files: a FIFO, a socket or a device is refused before anything reads it. */
function refuseIrregularFile(path: string, cwd: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined || stats.isFile() || stats.isDirectory()) return;
  const kind = stats.isFIFO() ? 'a FIFO (named pipe)' : stats.isSocket() ? 'a socket' : 'a device';
  const shown = relative(cwd, path) || path;
  throw new UsageError(`the config ${shown} is ${kind}, not a regular file, so it is not read`, {
    hint: `Replace ${shown} with a regular file, or point --config at one.`,
  });
}

/** The working directory and its parents, up to the repository root; outside a repository, just the working directory. */
export function searchDirectories(cwd: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    dirs.push(dir);
    if (existsSync(resolve(dir, '.git'))) return dirs;
    const parent = dirname(dir);
    if (parent === dir) return [resolve(cwd)];
    dir = parent;
  }
}
