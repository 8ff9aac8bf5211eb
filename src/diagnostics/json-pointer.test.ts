import { describe, expect, it } from 'vitest';
import { formatJsonPath, parseJsonPointer } from './json-pointer.js';

describe('parseJsonPointer', () => {
  it('splits and unescapes ~1 and ~0, in that order', () => {
    expect(parseJsonPointer('/metadata/labels/a~1b')).toEqual(['metadata', 'labels', 'a/b']);
    expect(parseJsonPointer('/x/~01')).toEqual(['x', '~1']);
    expect(parseJsonPointer('/x/~0~1')).toEqual(['x', '~/']);
  });

  it('treats the empty pointer as the whole document', () => {
    expect(parseJsonPointer('')).toEqual([]);
  });

  it('rejects a pointer without a leading slash', () => {
    expect(() => parseJsonPointer('spec')).toThrow(/not a JSON Pointer/);
  });
});

describe('formatJsonPath', () => {
  it('dots identifiers, brackets indexes and odd keys', () => {
    expect(formatJsonPath(['spec', 'format', 'maxRows'])).toBe('spec.format.maxRows');
    expect(formatJsonPath(['limits', 'delimiters', 1])).toBe('limits.delimiters[1]');
    expect(formatJsonPath(['metadata', 'labels', 'a/b'])).toBe('metadata.labels["a/b"]');
    expect(formatJsonPath([])).toBe('(document)');
  });
});
