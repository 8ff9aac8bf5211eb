import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, parseYamlFile } from './yaml-document.js';

describe('parseYamlFile', () => {
  it('returns every document of a multi-document file with its own start line', () => {
    const parsed = parseYamlFile('multi.yaml', 'a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: 3\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents.map((d) => [d.value, d.start.line, d.index])).toEqual([
      [{ a: 1 }, 1, 0],
      [{ b: 2 }, 3, 1],
      [{ c: 3 }, 7, 3],
    ]);
  });

  it('locates values and keys by path, 1-based', () => {
    const [doc] = parseYamlFile('f.yaml', 'spec:\n  format:\n    maxRows: 10\n').documents;
    expect(doc!.locate(['spec', 'format', 'maxRows'])).toEqual({ file: 'f.yaml', line: 3, column: 14 });
    expect(doc!.locate(['spec', 'format', 'maxRows'], 'key')).toEqual({ file: 'f.yaml', line: 3, column: 5 });
  });

  it('resolves a missing key to the key of its parent map', () => {
    const [doc] = parseYamlFile('f.yaml', 'spec:\n  format:\n    maxRows: 10\n').documents;
    expect(doc!.locate(['spec', 'format', 'delimiter'])).toMatchObject({ line: 2, column: 3 });
  });

  it('locates keys that hold "/" and "~" (JSON Pointer ~1 and ~0 unescaped)', () => {
    const text = 'metadata:\n  labels:\n    plain: x\n    "a/b": y\n    "c~d": z\n';
    const [doc] = parseYamlFile('f.yaml', text).documents;
    expect(doc!.locate(['metadata', 'labels', 'a/b'], 'key')).toMatchObject({ line: 4, column: 5 });
    expect(doc!.locate(['metadata', 'labels', 'c~d'], 'key')).toMatchObject({ line: 5, column: 5 });
  });

  it('locates sequence items and walks through aliases', () => {
    const [doc] = parseYamlFile('f.yaml', 'base: &b\n  x: 1\nlist:\n  - a\n  - b\nref: *b\n').documents;
    expect(doc!.locate(['list', 1])).toMatchObject({ line: 5, column: 5 });
    expect(doc!.locate(['ref', 'x'])).toMatchObject({ line: 2, column: 6 });
  });

  it('reports duplicate keys with their position and name', () => {
    const parsed = parseYamlFile('d.yaml', 'a: 1\nb: 2\na: 3\n');
    expect(parsed.documents).toEqual([]);
    expect(parsed.diagnostics).toMatchObject([{ file: 'd.yaml', line: 3, column: 1, rule: 'yaml/duplicate-key' }]);
    expect(parsed.diagnostics[0]!.message).toContain('duplicate key "a"');
  });

  it('reports syntax errors with a position and keeps the valid documents', () => {
    const parsed = parseYamlFile('s.yaml', 'ok: 1\n---\nbad: [1, 2\n');
    expect(parsed.documents.map((d) => d.value)).toEqual([{ ok: 1 }]);
    expect(parsed.diagnostics).toHaveLength(1);
    // An unclosed flow sequence is reported where the input ends, right after the line that opened it.
    expect(parsed.diagnostics[0]).toMatchObject({ file: 's.yaml', line: 4 });
    expect(parsed.diagnostics[0]!.rule).toMatch(/^yaml\//);
  });

  it('refuses a billion-laughs document instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const parsed = parseYamlFile('lol.yaml', `${lines.join('\n')}\n`);
    expect(parsed.documents).toEqual([]);
    expect(parsed.diagnostics).toMatchObject([{ rule: 'yaml/alias-limit', line: 1 }]);
    expect(parsed.diagnostics[0]!.message).toContain(String(MAX_ALIAS_COUNT));
  });

  it('treats an empty file as having no documents', () => {
    expect(parseYamlFile('e.yaml', '')).toEqual({ documents: [], diagnostics: [] });
    expect(parseYamlFile('e.yaml', '# comment only\n')).toEqual({ documents: [], diagnostics: [] });
  });
});
