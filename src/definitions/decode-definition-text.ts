// Definition files are UTF-8 text. A byte that is not UTF-8 (a Latin-1 "é" saved by an old editor) would be
// replaced by U+FFFD and sent to CXone as part of an id; a NUL has no place in YAML text. Both are refused
// with the line and column where they are.

export type DecodedText = { ok: true; text: string } | { ok: false; line: number; column: number; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeDefinitionText(bytes: Buffer): DecodedText {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = positionOf(bytes.subarray(0, offset).toString('utf8'));
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      ok: false,
      line,
      column,
      message: `byte 0x${byte} is not UTF-8; save the file as UTF-8 (in Latin-1, for example, "é" is the single byte 0xE9)`,
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul !== -1)
    return {
      ok: false,
      ...positionOf(text.slice(0, nul)),
      message: 'a NUL character (0x00) is in the file; remove it (it is not text, and CXone ids cannot hold it)',
    };
  return { ok: true, text };
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  // The longest prefix that decodes (a sequence cut at its end is allowed), found by halving.
  let low = 0;
  for (let high = bytes.length + 1; high - low > 1;) {
    const mid = Math.floor((low + high) / 2);
    if (isValidPrefix(bytes.subarray(0, mid))) low = mid;
    else high = mid;
  }
  // The prefix may end inside a sequence the next byte broke: then the fault is that sequence's lead byte.
  for (let p = low - 1; p >= Math.max(0, low - 3); p--) {
    const byte = bytes[p]!;
    if (byte < 0x80) break;
    if (byte >= 0xc0) return p + sequenceLength(byte) > low ? p : low;
  }
  return low;
}

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

function isValidPrefix(prefix: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function positionOf(before: string): { line: number; column: number } {
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}
