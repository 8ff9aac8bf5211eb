import { describe, expect, it } from 'vitest';
import { decodeDefinitionText } from './decode-definition-text.js';

describe('decodeDefinitionText', () => {
  it('refuses a Latin-1 byte, naming it and its position', () => {
    const bytes = Buffer.concat([Buffer.from('spec:\n  datasetId: ds-caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(decodeDefinitionText(bytes)).toEqual({
      ok: false,
      line: 2,
      column: 20,
      message: expect.stringContaining('byte 0xE9 is not UTF-8') as string,
    });
  });

  it('refuses a stray continuation byte where it stands', () => {
    expect(decodeDefinitionText(Buffer.from([0x61, 0x0a, 0x62, 0x80, 0x63]))).toMatchObject({
      ok: false,
      line: 2,
      column: 2,
      message: expect.stringContaining('0x80') as string,
    });
  });

  it('refuses a NUL character with its position', () => {
    expect(decodeDefinitionText(Buffer.from('a: 1\nb: x\u0000y\n'))).toMatchObject({ ok: false, line: 2, column: 5 });
  });

  it('accepts real UTF-8, and drops a byte-order mark', () => {
    expect(decodeDefinitionText(Buffer.from('\ufeffname: café ✓\n'))).toEqual({ ok: true, text: 'name: café ✓\n' });
  });
});
