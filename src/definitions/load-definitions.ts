// Reads and checks the definitions of a project: the I/O edge in front of checkDefinitionFiles. Files that are
// not in validate's cache are checked first, on several threads when there are many (parallel-check.ts).

import type { ProjectConfig } from '../config/project-config.js';
import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { checkDefinitionFile, checkDefinitionFiles } from './check-definitions.js';
import type { DefinitionFile, DefinitionSet, DefinitionSummary, FileCheck, FileChecker } from './check-definitions.js';
import type { ExportDefinition } from './export-definition.js';
import type { CheckTask } from './check-worker.js';
import { checkEveryEnvironment } from './check-environments.js';
import type { RuleConfig } from './contract-rules.js';
import type { DefinitionCache } from './definition-cache.js';
import { checkInParallel } from './parallel-check.js';
import { readDefinitionFiles } from './read-definition-files.js';

export interface LoadOptions {
  /** Threads to check on, the main one included; every core by default. */
  threads?: number | undefined;
}

/** The definitions, and how many threads checked them. */
export type LoadedDefinitions<D extends DefinitionSummary = ExportDefinition> = DefinitionSet<D> & { threads: number };

/** Every definition whole, checked in the config's environment: what plan and apply work from. */
export async function loadDefinitions(
  config: ProjectConfig,
  cwd: string,
  paths: readonly string[] = [config.exportsDir],
  options: LoadOptions = {},
): Promise<LoadedDefinitions> {
  const read = readDefinitionFiles(paths, cwd, config.rootDir);
  const { checker, threads } = await checkAhead(read.files, [config], options.threads, WHOLE);
  const checked = checkDefinitionFiles(read.files, config, checker);
  return { ...checked, diagnostics: [...read.diagnostics, ...checked.diagnostics], threads };
}

/**
 * What `validate` reports of the definitions, through the cache: in the one config given, or (without --env, when
 * the config defines environments) in each of them, each on its own merged definitions.
 */
export async function validateDefinitions(
  configs: readonly ProjectConfig[],
  cwd: string,
  paths: readonly string[],
  options: LoadOptions & { cache: DefinitionCache },
): Promise<LoadedDefinitions<DefinitionSummary> & { perEnvironment: DefinitionSummary[][] }> {
  const { cache } = options;
  const read = readDefinitionFiles(paths, cwd, configs[0]!.rootDir);
  const { checker, threads } = await checkAhead(read.files, configs, options.threads, {
    cached: (file, config) => cache.lookup(file, config),
    checked: (file, config, check) => cache.store(file, config, check),
  });
  const checked =
    configs.length === 1
      ? withOwn(checkDefinitionFiles(read.files, configs[0]!, checker))
      : checkEveryEnvironment(read.files, configs, checker);
  cache.save();
  return { ...checked, diagnostics: [...read.diagnostics, ...checked.diagnostics], threads };
}

/** One config's set, as the set of every environment gives it: its definitions are its environment's own. */
function withOwn<D extends DefinitionSummary>(set: DefinitionSet<D>): DefinitionSet<D> & { perEnvironment: D[][] } {
  return { ...set, perEnvironment: [set.definitions] };
}

/** Where the checks of files come from before they are made, and what is kept of those made. */
interface CheckSource<D extends DefinitionSummary> {
  cached: (file: DefinitionFile, config: RuleConfig) => FileCheck<D> | undefined;
  checked: (file: DefinitionFile, config: RuleConfig, check: FileCheck) => FileCheck<D>;
}

const WHOLE: CheckSource<ExportDefinition> = { cached: () => undefined, checked: (_file, _config, check) => check };

/**
 * Checks every file in every config that `source` has no check of, on several threads when there are many;
 * returns a checker that answers from those checks.
 */
async function checkAhead<D extends DefinitionSummary>(
  files: readonly DefinitionFile[],
  configs: readonly RuleConfig[],
  threads: number | undefined,
  source: CheckSource<D>,
): Promise<{ checker: FileChecker<D>; threads: number }> {
  const known = new Map<RuleConfig, Map<DefinitionFile, FileCheck<D>>>();
  const tasks: CheckTask[] = [];
  configs.forEach((config, index) => {
    const checks = new Map<DefinitionFile, FileCheck<D>>();
    known.set(config, checks);
    for (const file of files) {
      const cached = source.cached(file, config);
      if (cached === undefined) tasks.push({ file, config: index });
      else checks.set(file, cached);
    }
  });
  const { results, threads: used } = await checkInParallel(tasks, configs, threads);
  tasks.forEach((task, i) => {
    const config = configs[task.config]!;
    known.get(config)!.set(task.file, source.checked(task.file, config, results[i]!));
  });
  const checker: FileChecker<D> = (file, config) =>
    known.get(config)?.get(file) ?? source.checked(file, config, checkDefinitionFile(file, config));
  return { checker, threads: used };
}

/** The project's definitions, or a usage error listing every problem (commands other than validate). */
export async function loadValidDefinitions(config: ProjectConfig, cwd: string): Promise<DefinitionSet> {
  const set = await loadDefinitions(config, cwd);
  if (set.diagnostics.length > 0) {
    throw new DiagnosticsError(
      set.diagnostics,
      `${set.diagnostics.length} problem${set.diagnostics.length === 1 ? '' : 's'} in the export definitions; nothing was planned`,
      'Fix them (cxone-exports validate lists the same problems), then run the command again.',
    );
  }
  return set;
}
