// Property: whatever a user does to a valid definition, checking it never crashes, and the answer is either a
// valid definition or problems that each carry a file and a line inside that file.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkDefinitionFiles } from '../src/definitions/check-definitions.js';
import { testConfig } from './support/fixtures.js';

const VALID = {
  apiVersion: 'cxone-exports/v1',
  kind: 'CsvExport',
  metadata: { name: 'agent-activity-daily', description: 'x', labels: { team: 'wfm' } },
  spec: {
    dataActionId: 'da-1',
    datasetId: 'ds-1',
    format: {
      delimiter: 'comma',
      quoteCharacter: '"',
      escapeCharacter: '"',
      maxRows: 1000,
      columnAlignment: true,
      sanitizeSpecialCharacters: true,
    },
    callbackUrl: 'https://hooks.example.com/cb',
  },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const PATHS = ['', 'metadata', 'metadata.labels', 'spec', 'spec.format'];
const KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'spec',
  'format',
  'delimiter',
  'maxRows',
  'quoteCharacter',
  'callbackUrl',
  'labels',
  'x',
];

const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const mutation = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.constantFrom(...PATHS),
    key: fc.constantFrom(...KEYS),
    value: jsonValue,
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.constantFrom(...PATHS), key: fc.constantFrom(...KEYS) }),
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.constantFrom(...PATHS.filter((p) => p !== '')),
    value: jsonValue,
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(base: Json, mutations: Mutation[]): Json {
  const doc = structuredClone(base) as Record<string, Json>;
  for (const m of mutations) {
    const segments = m.at === '' ? [] : m.at.split('.');
    if (m.op === 'replace') {
      const parent = walk(doc, segments.slice(0, -1));
      if (parent !== undefined) parent[segments.at(-1)!] = m.value;
      continue;
    }
    const target = walk(doc, segments);
    if (target === undefined) continue;
    if (m.op === 'set') target[m.key] = m.value;
    else delete target[m.key];
  }
  return doc;
}

function walk(doc: Record<string, Json>, segments: string[]): Record<string, Json> | undefined {
  let node: Json = doc;
  for (const s of segments) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[s] ?? null;
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? node : undefined;
}

function assertWellFormed(text: string) {
  const config = testConfig({ limits: { maxRows: 100_000, delimiters: ['comma', 'pipe', 'tab'] } });
  const result = checkDefinitionFiles([{ file: 'exports/f.yaml', text }], config);
  const lineCount = text.split('\n').length;
  if (result.diagnostics.length === 0) {
    expect(result.definitions.length).toBeLessThanOrEqual(1);
    return;
  }
  for (const d of result.diagnostics) {
    expect(d.file).toBe('exports/f.yaml');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lineCount);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(10);
    expect(d.rule).toMatch(/^[a-z]+([/-][a-zA-Z-]+)*$/);
  }
}

describe('validate on mutated definitions', () => {
  it('never crashes on structural mutations', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        assertWellFormed(stringify(mutate(VALID, mutations)));
      }),
      { numRuns: 400 },
    );
  });

  it('never crashes on text edits (syntax errors, tabs, stray characters)', () => {
    const text = stringify(VALID);
    const edit = fc.record({
      at: fc.nat({ max: text.length }),
      remove: fc.nat({ max: 5 }),
      insert: fc.string({
        unit: fc.constantFrom(':', '-', ' ', '\n', '\t', '"', "'", '[', '{', '&', '*', 'a', '#', '|', '>', '?'),
        maxLength: 4,
      }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let mutated = text;
        for (const e of edits) mutated = mutated.slice(0, e.at) + e.insert + mutated.slice(e.at + e.remove);
        assertWellFormed(mutated);
      }),
      { numRuns: 400 },
    );
  });
});
