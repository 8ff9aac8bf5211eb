// The JSON Schemas in schemas/, checked with a plain ajv on real files: every bundled example passes, and each
// negative fixture fails at exactly the path and line expected.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkDefinitionFiles } from '../src/definitions/check-definitions.js';
import { createAjv, loadSchema } from '../src/diagnostics/schema-validator.js';
import { testConfig } from './support/fixtures.js';

const ROOT = join(import.meta.dirname, '..');
const ajv = createAjv();
const validateExport = ajv.compile(loadSchema('export.schema.json'));
const validateConfig = ajv.compile(loadSchema('config.schema.json'));

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

describe('export.schema.json', () => {
  const files = yamlFilesUnder(join(ROOT, 'exports'));

  it("describes an environment's overrides as the spec with every key optional, so the editor checks them", () => {
    const schema = loadSchema('export.schema.json') as {
      properties: { spec: unknown };
      $defs: { specOverride: Record<string, unknown> };
    };
    const withoutRequired = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(withoutRequired)
        : typeof node === 'object' && node !== null
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([key]) => key !== 'required')
                .map(([key, value]) => [key, withoutRequired(value)]),
            )
          : node;
    const withoutDescription = (node: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'description'));
    const override = withoutDescription(schema.$defs.specOverride);
    const spec = withoutDescription(withoutRequired(schema.properties.spec) as Record<string, unknown>);
    expect(override).toEqual(spec);
    // What the editor now says, as the CLI does once merged: a row limit over CXone's and an unknown key.
    const document = {
      apiVersion: 'cxone-exports/v1',
      kind: 'CsvExport',
      metadata: { name: 'a' },
      spec: { dataActionId: 'da', datasetId: 'ds', format: { maxRows: 10 } },
      environments: { sandbox: { spec: { format: { maxRows: 9_000_000 }, bogus: 1 } } },
    };
    expect(validateExport(document)).toBe(false);
    expect((validateExport.errors ?? []).map((e) => e.instancePath).sort()).toEqual([
      '/environments/sandbox/spec',
      '/environments/sandbox/spec/format/maxRows',
    ]);
  });

  it('has bundled examples to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('accepts every document of %s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+schemas\/export\.schema\.json$/);
    for (const doc of parseAllDocuments(text) as unknown as { toJS(): unknown }[]) {
      const valid = validateExport(doc.toJS());
      expect(validateExport.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('is draft 2020-12 with an $id', () => {
    const schema = loadSchema('export.schema.json');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\/.+export\.schema\.json$/);
  });
});

describe('negative fixtures', () => {
  const expected: Record<string, { instancePath: string; keyword: string; line: number; column: number }[]> = {
    'unknown-format-key.yaml': [{ instancePath: '/spec/format', keyword: 'additionalProperties', line: 10, column: 5 }],
    'missing-max-rows.yaml': [{ instancePath: '/spec/format', keyword: 'required', line: 8, column: 3 }],
    'bad-delimiter.yaml': [{ instancePath: '/spec/format/delimiter', keyword: 'enum', line: 10, column: 16 }],
    'max-rows-too-large.yaml': [{ instancePath: '/spec/format/maxRows', keyword: 'maximum', line: 9, column: 14 }],
    'bad-label-key.yaml': [{ instancePath: '/metadata/labels', keyword: 'propertyNames', line: 7, column: 5 }],
    'wrong-kind.yaml': [
      { instancePath: '/apiVersion', keyword: 'const', line: 1, column: 13 },
      { instancePath: '/spec/dataActionId', keyword: 'pattern', line: 6, column: 17 },
    ],
    'second-document-bad.yaml': [{ instancePath: '/spec/format/maxRows', keyword: 'type', line: 19, column: 14 }],
  };
  const dir = join(ROOT, 'test', 'fixtures', 'invalid');

  it('covers every fixture file', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s fails at the exact path and line', (file, errors) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const ajvErrors = (parseAllDocuments(text) as unknown as { toJS(): unknown }[]).flatMap((doc) =>
      validateExport(doc.toJS()) ? [] : (validateExport.errors ?? []),
    );
    expect(
      ajvErrors
        .filter((e) => e.propertyName === undefined)
        .map((e) => ({ instancePath: e.instancePath, keyword: e.keyword })),
    ).toEqual(errors.map(({ instancePath, keyword }) => ({ instancePath, keyword })));

    const checked = checkDefinitionFiles([{ file, text }], testConfig());
    expect(checked.diagnostics.map((d) => ({ line: d.line, column: d.column, rule: d.rule }))).toEqual(
      errors.map(({ line, column, keyword }) => ({ line, column, rule: `schema/${keyword}` })),
    );
  });
});

describe('config.schema.json', () => {
  it('accepts the repository example config', () => {
    const [doc] = parseAllDocuments(readFileSync(join(ROOT, 'cxone-exports.config.yaml'), 'utf8')) as unknown as {
      toJS(): unknown;
    }[];
    expect(validateConfig(doc!.toJS())).toBe(true);
  });

  it.each([
    ['/limits/maxRows', { limits: { maxRows: 0 } }, 'minimum'],
    ['/limits/delimiters/0', { limits: { delimiters: ['colon'] } }, 'enum'],
    ['/limits/delimiters', { limits: { delimiters: ['comma', 'comma'] } }, 'uniqueItems'],
    ['/auth/flow', { auth: { flow: 'implicit' } }, 'enum'],
    ['/apply', { apply: { retries: 3 } }, 'additionalProperties'],
    ['/callbacks/path', { callbacks: { path: 'webhook' } }, 'pattern'],
    ['/apiUrl', { apiUrl: 'api.us1.cxone.com' }, 'pattern'],
    ['/apiUrl', { apiUrl: 'https://api.us1 .cxone.com' }, 'pattern'],
    ['/defaults/callbackUrl', { defaults: { callbackUrl: 'hooks.example.com/cxone' } }, 'pattern'],
  ])('rejects %s', (instancePath, config, keyword) => {
    expect(validateConfig(config)).toBe(false);
    expect(validateConfig.errors?.map((e) => [e.instancePath, e.keyword])).toContainEqual([instancePath, keyword]);
  });
});
