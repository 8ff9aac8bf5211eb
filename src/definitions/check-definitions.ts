// From file texts to checked, normalized definitions and every problem found on the way. Pure: the caller
// reads the files. All problems of all files are collected, so a user fixes them in one round.

import type { Diagnostic, SourcePosition } from '../diagnostics/diagnostic.js';
import { compareDiagnostics } from '../diagnostics/diagnostic.js';
import { schemaCheck } from '../diagnostics/schema-validator.js';
import { parseYamlFile } from '../diagnostics/yaml-document.js';
import { checkContractRules } from './contract-rules.js';
import { controlCharacterProblems } from './control-characters.js';
import type { RawDefinitionShape, RuleConfig } from './contract-rules.js';
import type { ExportDefinition } from './export-definition.js';
import { normalizeDefinition } from './normalize-definition.js';
import type { ValidDefinitionDocument } from './normalize-definition.js';

export interface DefinitionFile {
  /** Path as shown to the user. */
  file: string;
  text: string;
}

export interface DefinitionSet {
  /** Definitions free of problems, sorted by name. */
  definitions: ExportDefinition[];
  /** Every problem, in a stable order. Non-empty means the set must not be planned or applied. */
  diagnostics: Diagnostic[];
  fileCount: number;
  documentCount: number;
}

export function checkDefinitionFiles(files: readonly DefinitionFile[], config: RuleConfig): DefinitionSet {
  const check = schemaCheck('export');
  const diagnostics: Diagnostic[] = [];
  const definitions: ExportDefinition[] = [];
  // Only the position of each name is kept, so a file's syntax tree can be freed once it is checked.
  const named: { name: string; at: SourcePosition }[] = [];
  let documentCount = 0;

  for (const { file, text } of files) {
    const parsed = parseYamlFile(file, text);
    diagnostics.push(...parsed.diagnostics);
    for (const document of parsed.documents) {
      documentCount++;
      const name = exportName(document.value);
      if (name !== null) named.push({ name, at: document.locate(['metadata', 'name']) });
      const problems = check(document.value);
      const schemaPaths = problems.map((p) => p.path.join('/'));
      // A value the schema already rejected is not reported a second time by a rule.
      const ruleProblems = [
        ...checkContractRules(document.value as RawDefinitionShape, config),
        ...controlCharacterProblems(document.value),
      ].filter((p) => !schemaPaths.includes(p.path.join('/')));
      for (const problem of [...problems, ...ruleProblems]) {
        diagnostics.push({
          ...document.locate(problem.path, problem.target),
          export: name,
          message: problem.message,
          rule: problem.rule,
        });
      }
      if (problems.length === 0 && ruleProblems.length === 0) {
        definitions.push(normalizeDefinition(document.value as ValidDefinitionDocument, config, document.start));
      }
    }
  }

  diagnostics.push(...duplicateNames(named));
  diagnostics.sort(compareDiagnostics);
  definitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { definitions, diagnostics, fileCount: files.length, documentCount };
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
