// From file texts to checked, normalized definitions and every problem found on the way. Pure: the caller
// reads the files. All problems of all files are collected, so a user fixes them in one round.

import picomatch from 'picomatch';
import type { Diagnostic, SourcePosition } from '../diagnostics/diagnostic.js';
import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import { overlay, isTree, valueAt } from '../config/overlay.js';
import { closestMatch } from '../diagnostics/did-you-mean.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import { eachYamlDocument } from '../diagnostics/yaml-document.js';
import { checkContractRules } from './contract-rules.js';
import { controlCharacterProblems } from './control-characters.js';
import type { RawDefinitionShape, RuleConfig, RuleProblem } from './contract-rules.js';
import type { ExportDefinition } from './export-definition.js';
import { normalizeDefinition } from './normalize-definition.js';
import { checkScheduleRules } from './schedule-rules.js';
import type { ValidDefinitionDocument } from './normalize-definition.js';

export interface DefinitionFile {
  /** Path as shown to the user. */
  file: string;
  text: string;
}

/** What `validate` keeps of a checked definition: its name, and where CXone would call it back. */
export interface DefinitionSummary {
  name: string;
  spec: { callbackUrl?: string | undefined };
}

export interface DefinitionSet<D extends DefinitionSummary = ExportDefinition> {
  /** Definitions free of problems, sorted by name. */
  definitions: D[];
  /** Every problem, in a stable order. Non-empty means the set must not be planned or applied. */
  diagnostics: Diagnostic[];
  /** What is valid but likely not meant (`schedule-day-fields`), in a stable order. */
  warnings: Diagnostic[];
  fileCount: number;
  documentCount: number;
}

/** What one file holds, checked on its own: everything but the problems found across files. */
export interface FileCheck<D extends DefinitionSummary = ExportDefinition> {
  definitions: D[];
  diagnostics: Diagnostic[];
  warnings: Diagnostic[];
  /** Where each export name is set, for the check that names are unique across files. */
  named: { name: string; at: SourcePosition }[];
  documentCount: number;
}

/** How one file is checked: checkDefinitionFile, or what was found by it before (the cache, another thread). */
export type FileChecker<D extends DefinitionSummary = ExportDefinition> = (
  file: DefinitionFile,
  config: RuleConfig,
) => FileCheck<D>;

export function checkDefinitionFiles(files: readonly DefinitionFile[], config: RuleConfig): DefinitionSet;
export function checkDefinitionFiles<D extends DefinitionSummary>(
  files: readonly DefinitionFile[],
  config: RuleConfig,
  checkFile: FileChecker<D>,
): DefinitionSet<D>;
export function checkDefinitionFiles(
  files: readonly DefinitionFile[],
  config: RuleConfig,
  checkFile: FileChecker<DefinitionSummary> = checkDefinitionFile,
): DefinitionSet<DefinitionSummary> {
  const checks = files.map((file) => checkFile(file, config));
  const diagnostics = checks.flatMap((check) => check.diagnostics);
  diagnostics.push(...duplicateNames(checks.flatMap((check) => check.named)));
  diagnostics.sort(compareDiagnostics);
  const warnings = checks.flatMap((check) => check.warnings).sort(compareDiagnostics);
  const definitions = checks.flatMap((check) => check.definitions);
  definitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const documentCount = checks.reduce((sum, check) => sum + check.documentCount, 0);
  return { definitions, diagnostics, warnings, fileCount: files.length, documentCount };
}

/** The summary of a file's check: what validate needs, and what its cache keeps. */
export function summarizeCheck(check: FileCheck<DefinitionSummary>): FileCheck<DefinitionSummary> {
  return {
    ...check,
    definitions: check.definitions.map(({ name, spec }) => ({
      name,
      spec: spec.callbackUrl === undefined ? {} : { callbackUrl: spec.callbackUrl },
    })),
  };
}

/** One file's documents, checked in the config's environment. Pure, and a function of its inputs alone. */
export function checkDefinitionFile({ file, text }: DefinitionFile, config: RuleConfig): FileCheck {
  const check = schemaCheck('export');
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const definitions: ExportDefinition[] = [];
  // Only the position of each name is kept, so a file's syntax tree can be freed once it is checked.
  const named: { name: string; at: SourcePosition }[] = [];
  let documentCount = 0;
  // At most MAX_FILE_PROBLEMS are kept; the rest are counted, and said as one line.
  let over = 0;
  const report = (diagnostic: Diagnostic) => {
    if (diagnostics.length < MAX_FILE_PROBLEMS) diagnostics.push(diagnostic);
    else over++;
  };
  for (const document of eachYamlDocument(file, text)) {
    if (!('locate' in document)) {
      report(document);
      continue;
    }
    documentCount++;
    const name = exportName(document.value);
    if (name !== null) named.push({ name, at: document.locate(['metadata', 'name']) });
    for (const problem of environmentNameProblems(document.value, config)) {
      report({
        ...document.locate(problem.path, 'key'),
        export: name,
        message: problem.message,
        rule: 'environment-name',
      });
    }
    const inEnvironment = forEnvironment(document.value, config);
    if (inEnvironment === undefined) continue; // `enabled: false` here: not an export of this environment
    // An environment's overrides are checked merged, in that environment, where they are written; the schema's
    // own view of them (every key optional, for the editor) would say the same twice.
    const problems = check(inEnvironment.value).filter((p) => !(p.path[0] === 'environments' && p.path[2] === 'spec'));
    const schemaPaths = problems.map((p) => p.path.join('/'));
    // A value the schema already rejected is not reported a second time by a rule.
    const found = [
      ...checkContractRules(inEnvironment.value as RawDefinitionShape, config),
      ...checkScheduleRules(inEnvironment.value, config),
      ...controlCharacterProblems(inEnvironment.value),
    ].filter((p) => !schemaPaths.includes(p.path.join('/')));
    const ruleProblems = found.filter((p) => p.severity !== 'warning');
    // Where the value was written: the environment's override when it sets it, else the shared spec.
    const diagnose = (problem: RuleProblem): Diagnostic => ({
      ...document.locate(inEnvironment.source(problem.path), problem.target),
      export: name,
      message: problem.message,
      rule: problem.rule,
    });
    for (const problem of [...problems, ...ruleProblems]) report(diagnose(problem));
    for (const problem of found) if (problem.severity === 'warning') warnings.push(diagnose(problem));
    if (problems.length === 0 && ruleProblems.length === 0) {
      definitions.push(normalizeDefinition(inEnvironment.value as ValidDefinitionDocument, config, document.start));
    }
  }
  if (over > 0)
    diagnostics.push({
      file,
      line: diagnostics.at(-1)!.line,
      column: 1,
      export: null,
      message: `and ${over} more problem${over === 1 ? '' : 's'} in this file, not listed (the first ${MAX_FILE_PROBLEMS} are); fix these and run validate again`,
      rule: 'too-many-problems',
      unlisted: over,
    });
  return { definitions, diagnostics, warnings, named, documentCount };
}

/** The problems listed for one file: past this, a file (a generated one, a mistake) is summed up in a line. */
export const MAX_FILE_PROBLEMS = 100;

interface EnvironmentView {
  /** The document with the environment's spec merged over the shared one. */
  value: unknown;
  /** The path in the file that set the value at `path` of the merged document. */
  source: (path: readonly (string | number)[]) => (string | number)[];
}

/** The document as the chosen environment sees it, or undefined when it is disabled there. */
function forEnvironment(value: unknown, config: RuleConfig): EnvironmentView | undefined {
  const same: EnvironmentView = { value, source: (path) => [...path] };
  const environment = config.environment?.name;
  if (environment === undefined || !isTree(value)) return same;
  // `appliesTo`: an export of some environments only (a client's), by name or pattern.
  if (Array.isArray(value.appliesTo) && !value.appliesTo.some((entry) => appliesIn(entry, environment)))
    return undefined;
  if (!isTree(value.environments)) return same;
  const own = value.environments[environment];
  if (!isTree(own)) return same;
  if (own.enabled === false) return undefined;
  if (!isTree(own.spec)) return same;
  const override = own.spec;
  return {
    value: { ...value, spec: overlay(value.spec, override) },
    source: (path) =>
      path[0] === 'spec' && valueAt(override, path.slice(1)) !== undefined
        ? ['environments', environment, ...path]
        : [...path],
  };
}

/** Whether an `appliesTo` entry (a name or a pattern) names the environment. */
function appliesIn(entry: unknown, environment: string): boolean {
  return typeof entry === 'string' && (entry === environment || picomatch(entry)(environment));
}

/** `appliesTo` entries that name no environment of the config: a typo would leave the export out everywhere. */
function appliesToProblems(
  value: Record<string, unknown>,
  names: readonly string[],
): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(value.appliesTo)) return [];
  return value.appliesTo.flatMap((entry, index) => {
    if (typeof entry !== 'string' || names.some((name) => appliesIn(entry, name))) return [];
    const suggestion = closestMatch(entry, [...names]);
    return [
      {
        path: ['appliesTo', index],
        message:
          names.length === 0
            ? `appliesTo: ${entry}: the config defines no environments. Define them in the config, or remove appliesTo.`
            : `appliesTo: ${entry} names no environment of the config${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}; it defines ${names.join(', ')}.`,
      },
    ];
  });
}

/** Environment names a definition uses that the config does not define, with "did you mean". */
function environmentNameProblems(value: unknown, config: RuleConfig): { path: (string | number)[]; message: string }[] {
  if (!isTree(value)) return [];
  const names = config.environment?.names ?? [];
  const applies = appliesToProblems(value, names);
  if (!isTree(value.environments)) return applies;
  return [
    ...applies,
    ...Object.keys(value.environments)
      .filter((name) => !names.includes(name))
      .map((name) => {
        const suggestion = closestMatch(name, [...names]);
        return {
          path: ['environments', name],
          message:
            names.length === 0
              ? `environments.${name}: the config defines no environments. Define them in the config, or remove this block.`
              : `environments.${name}: ${name} is not an environment of the config${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}; it defines ${names.join(', ')}.`,
        };
      }),
  ];
}

function exportName(value: unknown): string | null {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : null;
}

function duplicateNames(named: { name: string; at: SourcePosition }[]): Diagnostic[] {
  const byName = new Map<string, SourcePosition[]>();
  for (const { name, at } of named) {
    const places = byName.get(name);
    if (places === undefined) byName.set(name, [at]);
    else places.push(at);
  }
  const diagnostics: Diagnostic[] = [];
  for (const [name, places] of byName) {
    if (places.length < 2) continue;
    places.forEach((place, i) => {
      const others = places.filter((_, j) => j !== i).map((p) => `${p.file}:${p.line}`);
      diagnostics.push({
        ...place,
        export: name,
        rule: 'unique-name',
        message: `metadata.name "${name}" is also used at ${others.join(', ')}; export names must be unique across all files. Rename one of them.`,
      });
    });
  }
  return diagnostics;
}
