// Reads and checks the definitions of a project: the I/O edge in front of checkDefinitionFiles.

import type { ProjectConfig } from '../config/project-config.js';
import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { checkDefinitionFiles } from './check-definitions.js';
import { checkEveryEnvironment } from './check-environments.js';
import type { DefinitionSet } from './check-definitions.js';
import type { DefinitionCache } from './definition-cache.js';
import { readDefinitionFiles } from './read-definition-files.js';

/** With `cache`, files checked before (the same text, rules and build) are not checked again. */
export async function loadDefinitions(
  config: ProjectConfig,
  cwd: string,
  paths: readonly string[] = [config.exportsDir],
  cache?: DefinitionCache,
): Promise<DefinitionSet> {
  const read = await readDefinitionFiles(paths, cwd, config.rootDir);
  const checked = checkDefinitionFiles(read.files, config, cache?.checker);
  cache?.save();
  return { ...checked, diagnostics: [...read.diagnostics, ...checked.diagnostics] };
}

/** The definitions as every environment of the config sees them, checked together (`validate` without --env). */
export async function loadDefinitionsForEveryEnvironment(
  configs: readonly ProjectConfig[],
  cwd: string,
  paths: readonly string[] = [configs[0]!.exportsDir],
  cache?: DefinitionCache,
): Promise<DefinitionSet> {
  const read = await readDefinitionFiles(paths, cwd, configs[0]!.rootDir);
  const checked = checkEveryEnvironment(read.files, configs, cache?.checker);
  cache?.save();
  return { ...checked, diagnostics: [...read.diagnostics, ...checked.diagnostics] };
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
