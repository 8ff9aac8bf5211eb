// Generates a realistic exports tree: `files` files of `perFile` definitions each, with varied formats.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DELIMITERS = ['comma', 'pipe', 'semicolon', 'tab', ',', '|'];

export function definitionName(i) {
  return `export-${String(i).padStart(5, '0')}`;
}

export function definitionDocument(i, { maxRows } = {}) {
  const team = ['wfm', 'quality', 'finance', 'analytics'][i % 4];
  return [
    '# yaml-language-server: $schema=../../schemas/export.schema.json',
    'apiVersion: cxone-exports/v1',
    'kind: CsvExport',
    'metadata:',
    `  name: ${definitionName(i)}`,
    `  description: Generated export ${i} for the ${team} team`,
    `  labels: { team: ${team}, shard: "${i % 16}" }`,
    'spec:',
    `  dataActionId: da-${i % 97}`,
    `  datasetId: ds-${team}-${i}`,
    '  format:',
    `    delimiter: "${DELIMITERS[i % DELIMITERS.length] === '\t' ? '\\t' : DELIMITERS[i % DELIMITERS.length]}"`,
    `    quoteCharacter: '"'`,
    `    escapeCharacter: '\\'`,
    `    maxRows: ${maxRows ?? 1000 + (i % 5000) * 100}`,
    `    columnAlignment: ${i % 3 !== 0}`,
    '    sanitizeSpecialCharacters: true',
    ...(i % 2 === 0 ? [`  callbackUrl: https://hooks.example.com/cxone/${team}`] : []),
  ].join('\n');
}

/** Writes the tree under `root/exports/` and returns the number of definitions. */
export function generateDefinitions(root, { files = 1000, perFile = 10, maxRowsFor } = {}) {
  let index = 0;
  for (let f = 0; f < files; f++) {
    const dir = join(root, 'exports', `team-${f % 20}`);
    mkdirSync(dir, { recursive: true });
    const docs = [];
    for (let d = 0; d < perFile; d++, index++) docs.push(definitionDocument(index, { maxRows: maxRowsFor?.(index) }));
    writeFileSync(join(dir, `exports-${String(f).padStart(4, '0')}.yaml`), `${docs.join('\n---\n')}\n`);
  }
  return index;
}
