import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './did-you-mean.js';

const FORMAT_KEYS = [
  'delimiter',
  'quoteCharacter',
  'escapeCharacter',
  'maxRows',
  'columnAlignment',
  'sanitizeSpecialCharacters',
];

describe('closestMatch', () => {
  it('suggests the key a typo meant', () => {
    expect(closestMatch('delimter', FORMAT_KEYS)).toBe('delimiter');
    expect(closestMatch('delimtier', FORMAT_KEYS)).toBe('delimiter');
    expect(closestMatch('maxrows', FORMAT_KEYS)).toBe('maxRows');
    expect(closestMatch('quoteChar', FORMAT_KEYS)).toBe('quoteCharacter');
  });

  it('suggests nothing for unrelated words or exact matches', () => {
    expect(closestMatch('compression', FORMAT_KEYS)).toBeUndefined();
    expect(closestMatch('maxRows', FORMAT_KEYS)).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
