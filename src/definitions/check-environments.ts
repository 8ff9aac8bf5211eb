// Checking definitions in every environment of a config at once (what `validate` does when no --env is given):
// each environment sees its own merged spec, and a problem found in several is reported once, naming them
// unless it is found in all.

import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkDefinitionFile, checkDefinitionFiles } from './check-definitions.js';
import type { DefinitionFile, DefinitionSet, DefinitionSummary, FileChecker } from './check-definitions.js';
import type { RuleConfig } from './contract-rules.js';
import type { ExportDefinition } from './export-definition.js';

type EnvironmentRuleConfig = RuleConfig & { environment: { name: string | undefined } };

/** The definitions of every environment: the union (each name once), and each environment's own. */
export interface EnvironmentsDefinitionSet<D extends DefinitionSummary = DefinitionSummary> extends DefinitionSet<D> {
  /** Each config's definitions as its environment sees them, in the order of the configs given. */
  perEnvironment: D[][];
}

export function checkEveryEnvironment(
  files: readonly DefinitionFile[],
  configs: readonly EnvironmentRuleConfig[],
): EnvironmentsDefinitionSet<ExportDefinition>;
export function checkEveryEnvironment<D extends DefinitionSummary>(
  files: readonly DefinitionFile[],
  configs: readonly EnvironmentRuleConfig[],
  checkFile: FileChecker<D>,
): EnvironmentsDefinitionSet<D>;
export function checkEveryEnvironment(
  files: readonly DefinitionFile[],
  configs: readonly EnvironmentRuleConfig[],
  checkFile: FileChecker<DefinitionSummary> = checkDefinitionFile,
): EnvironmentsDefinitionSet {
  const errors = new FoundInEnvironments(configs.length);
  const warnings = new FoundInEnvironments(configs.length);
  const definitions = new Map<string, DefinitionSummary>();
  const perEnvironment: DefinitionSummary[][] = [];
  let documentCount = 0;
  for (const config of configs) {
    const set = checkDefinitionFiles(files, config, checkFile);
    perEnvironment.push(set.definitions);
    documentCount = set.documentCount;
    for (const definition of set.definitions)
      if (!definitions.has(definition.name)) definitions.set(definition.name, definition);
    errors.add(set.diagnostics, config.environment.name ?? '');
    warnings.add(set.warnings, config.environment.name ?? '');
  }
  return {
    definitions: [...definitions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    diagnostics: errors.list(),
    warnings: warnings.list(),
    fileCount: files.length,
    documentCount,
    perEnvironment,
  };
}

/** Diagnostics found in several environments, each once, naming the environments unless it is all of them. */
class FoundInEnvironments {
  private readonly found = new Map<string, { diagnostic: Diagnostic; environments: string[] }>();

  constructor(private readonly environmentCount: number) {}

  add(diagnostics: readonly Diagnostic[], environment: string): void {
    for (const diagnostic of diagnostics) {
      const key = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${diagnostic.rule}:${diagnostic.message}`;
      const seen = this.found.get(key);
      if (seen === undefined) this.found.set(key, { diagnostic, environments: [environment] });
      else seen.environments.push(environment);
    }
  }

  list(): Diagnostic[] {
    return [...this.found.values()]
      .map(({ diagnostic, environments }) =>
        environments.length === this.environmentCount
          ? diagnostic
          : { ...diagnostic, message: `${diagnostic.message} (in ${environments.join(', ')})` },
      )
      .sort(compareDiagnostics);
  }
}
