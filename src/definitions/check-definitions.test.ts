import { describe, expect, it } from 'vitest';
import { createColors } from '../cli/color.js';
import { renderProblemSummary } from '../cli/views/render-diagnostics.js';
import { definitionYaml, testConfig } from '../../test/support/fixtures.js';
import { checkDefinitionFiles } from './check-definitions.js';

const config = testConfig({ defaults: { callbackUrl: 'https://hooks.example.com/cb' } });

describe('checkDefinitionFiles', () => {
  it('normalizes delimiter names, fills defaults and the config callbackUrl', () => {
    const set = checkDefinitionFiles(
      [{ file: 'exports/a.yaml', text: definitionYaml('a', ['delimiter: tab', 'maxRows: 5']) }],
      config,
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.definitions[0]).toMatchObject({
      name: 'a',
      source: { file: 'exports/a.yaml', line: 1, column: 1 },
      spec: {
        dataActionId: 'da-1',
        datasetId: 'ds-1',
        format: {
          delimiter: '\t',
          quoteCharacter: '"',
          escapeCharacter: '"',
          maxRows: 5,
          columnAlignment: true,
          sanitizeSpecialCharacters: true,
        },
        callbackUrl: 'https://hooks.example.com/cb',
      },
    });
    expect(set.definitions[0]!.definitionHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('hashes the normalized spec: spelling and metadata do not change it, the payload does', () => {
    const hash = (text: string) =>
      checkDefinitionFiles([{ file: 'f.yaml', text }], config).definitions[0]!.definitionHash;
    const base = hash(definitionYaml('a', ['delimiter: comma', 'maxRows: 5']));
    expect(hash(definitionYaml('a', ['delimiter: ","', 'maxRows: 5']))).toBe(base);
    expect(hash(definitionYaml('a', ['maxRows: 5', 'columnAlignment: true']))).toBe(base);
    expect(
      hash(`${definitionYaml('a', ['maxRows: 5'])}`.replace('metadata:\n', 'metadata:\n  description: changed\n')),
    ).toBe(base);
    expect(hash(definitionYaml('a', ['maxRows: 6']))).not.toBe(base);
  });

  it('reads every document of a multi-document file', () => {
    const text = `${definitionYaml('one')}---\n${definitionYaml('two')}`;
    const set = checkDefinitionFiles([{ file: 'multi.yaml', text }], config);
    expect(set.documentCount).toBe(2);
    expect(set.definitions.map((d) => [d.name, d.source.line])).toEqual([
      ['one', 1],
      ['two', 11],
    ]);
  });

  it('reports a duplicate name at both places, across files', () => {
    const set = checkDefinitionFiles(
      [
        { file: 'a.yaml', text: definitionYaml('same') },
        { file: 'b.yaml', text: `${definitionYaml('other')}---\n${definitionYaml('same')}` },
      ],
      config,
    );
    const duplicates = set.diagnostics.filter((d) => d.rule === 'unique-name');
    expect(duplicates.map((d) => [d.file, d.line, d.column])).toEqual([
      ['a.yaml', 4, 9],
      ['b.yaml', 14, 9],
    ]);
    expect(duplicates[0]!.message).toContain('b.yaml:14');
    expect(duplicates[1]!.message).toContain('a.yaml:4');
  });

  it('collects every problem of every file, positioned, with the export name', () => {
    const bad = definitionYaml('bad', ['delimter: pipe', 'maxRows: 0']);
    const set = checkDefinitionFiles(
      [
        { file: 'a.yaml', text: bad },
        { file: 'b.yaml', text: 'kind: [\n' },
      ],
      config,
    );
    expect(set.definitions).toEqual([]);
    expect(set.diagnostics.map((d) => [d.file, d.line, d.rule, d.export])).toEqual([
      ['a.yaml', 9, 'schema/additionalProperties', 'bad'],
      ['a.yaml', 10, 'schema/minimum', 'bad'],
      ['b.yaml', 2, 'yaml/bad-indent', null],
    ]);
    expect(set.diagnostics[0]!.message).toContain('Did you mean "delimiter"?');
  });

  it('does not report a rule problem on a value the schema already rejected', () => {
    const set = checkDefinitionFiles(
      [{ file: 'a.yaml', text: definitionYaml('a', ['maxRows: 6000000']) }],
      testConfig({ limits: { maxRows: 10 } }),
    );
    expect(set.diagnostics.map((d) => d.rule)).toEqual(['schema/maximum']);
  });

  it('does not let a definition override the config with nulls', () => {
    const set = checkDefinitionFiles(
      [{ file: 'a.yaml', text: definitionYaml('a', ['delimiter: null', 'maxRows: 1']) }],
      config,
    );
    expect(set.diagnostics.map((d) => d.rule)).toEqual(['schema/type']);
  });

  it('reports the problems of every document, even after one whose quote is never closed', () => {
    const text = `apiVersion: cxone-exports/v1\nkind: "CsvExport\n---\n${definitionYaml('two', ['maxRows: 0'])}`;
    const set = checkDefinitionFiles([{ file: 'exports/x.yaml', text }], config);
    expect(set.diagnostics.map((d) => [d.line, d.rule])).toEqual([
      [3, 'yaml/missing-char'],
      [12, 'schema/minimum'],
    ]);
  });

  it('tells an unquoted colon in a value to be quoted', () => {
    const set = checkDefinitionFiles(
      [{ file: 'exports/x.yaml', text: definitionYaml('a').replace('name: a', 'name: team: a') }],
      config,
    );
    expect(set.diagnostics[0]!.message).toContain('A value that contains ": " must be quoted, e.g. name: "a: b"');
  });

  it("says '\\t' in single quotes is not a tab, and how to write one", () => {
    const set = checkDefinitionFiles(
      [{ file: 'exports/x.yaml', text: definitionYaml('a', ["delimiter: '\\t'", 'maxRows: 5']) }],
      config,
    );
    expect(set.diagnostics[0]!.message).toContain(
      'That is a backslash and a letter, not a tab: YAML reads escapes only inside double quotes. Write tab, or "\\t" in double quotes.',
    );
  });

  it.each(['valueOf', 'constructor', '__proto__', 'toString'])(
    'explains an enum value named like an object member (%s) without failing',
    (value) => {
      const set = checkDefinitionFiles(
        [{ file: 'exports/x.yaml', text: definitionYaml('a', [`delimiter: ${value}`, 'maxRows: 5']) }],
        config,
      );
      expect(set.diagnostics.map((d) => d.rule)).toEqual(['schema/enum']);
      expect(set.diagnostics[0]!.message).toContain(`not "${value}"`);
    },
  );

  it('lists at most 100 problems of a file and sums up the rest; an empty document is not a definition', () => {
    // Issue 23, point 8: 200,000 empty documents took 1.6 GB and printed 800,000 problems.
    const empty = checkDefinitionFiles([{ file: 'exports/empty.yaml', text: '--- {}\n'.repeat(5_000) }], config);
    expect(empty).toMatchObject({ definitions: [], diagnostics: [], documentCount: 0 });
    const bad = checkDefinitionFiles([{ file: 'exports/bad.yaml', text: '--- {a: 1}\n'.repeat(300) }], config);
    // Each such document has five problems: four missing keys and one unknown.
    expect(bad.diagnostics).toHaveLength(101);
    expect(bad.diagnostics.find((d) => d.rule === 'too-many-problems')).toMatchObject({
      message: 'and 1400 more problems in this file, not listed (the first 100 are); fix these and run validate again',
      unlisted: 1400,
    });
    // The summary counts what is wrong, not the lines listed.
    expect(renderProblemSummary(bad.diagnostics, createColors(0))).toBe(
      '✖ 1500 problems in 1 file. Fix them and run `cxone-exports validate` again.',
    );
  });
});
