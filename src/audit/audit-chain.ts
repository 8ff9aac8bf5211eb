// The audit hash chain: every line begins with its sequence number and the SHA-256 of the line before it, over
// that line's bytes exactly as written, so a line edited, removed, inserted or moved breaks the chain where it
// happened. The chain fields always come first, in this fixed form, so `audit verify` reads them without parsing
// the rest of the line.

import { redactSecrets } from '../redaction.js';
import { crypto } from '../on-first-use.js';
import type { AuditEvent } from './audit-event.js';

/** Where a chain ends: the last line's sequence number and hash (signed when a key is set). */
export interface AuditHead {
  seq: number;
  /** SHA-256 of the last line's bytes, in hex. */
  hash: string;
  /** `hmac-sha256:` and the HMAC of the head under the writer's key (CXONE_AUDIT_KEY), when one is set. */
  signature?: string;
}

/** What the first line of a chain names as the line before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The head of an empty chain: the next line is sequence number 1. */
export const EMPTY_HEAD: AuditHead = { seq: 0, hash: GENESIS_HASH };

/** The chain fields as they begin every chained line: `{"seq":12,"prev":"<64 hex>",`. */
const PREFIX = '{"seq":';
const PREV = ',"prev":"';

/** SHA-256 of one line's bytes (without its newline), in hex. */
export function lineHash(line: string | Uint8Array): string {
  // The one-shot hash (Node.js 20.12 and newer) spares a Hash object per line.
  return crypto().hash('sha256', line, 'hex');
}

/**
 * The events as chained lines after `head`: each line is the event's JSON (redacted again, as a second guard)
 * behind its chain fields. Chain fields an event carries already (one read back from another backend) are
 * replaced: a chain is the order of one log, never copied from another.
 */
export function chainLines(events: readonly AuditEvent[], head: AuditHead): { text: string; head: AuditHead } {
  let { seq, hash } = head;
  let text = '';
  for (const event of events) {
    const body = redactSecrets(JSON.stringify(withoutChainFields(event)));
    seq++;
    const line = `${PREFIX}${seq}${PREV}${hash}",${body.slice(1)}`;
    hash = lineHash(line);
    text += `${line}\n`;
  }
  return { text, head: { seq, hash } };
}

/** The events as plain lines, as written before the chain: what the benchmark measures the chain against. */
export function plainLines(events: readonly AuditEvent[]): string {
  return events.map((event) => `${redactSecrets(JSON.stringify(event))}\n`).join('');
}

/** An event without the chain fields a stored line carries. */
export function withoutChainFields(event: AuditEvent): AuditEvent {
  if (event.seq === undefined && event.prev === undefined) return event;
  const rest = { ...event };
  delete rest.seq;
  delete rest.prev;
  return rest;
}

/** The chain fields of the line in bytes[start, end), or undefined when it does not begin with them. */
export function chainFieldsOf(
  bytes: Uint8Array,
  start: number,
  end: number,
): { seq: number; prev: string } | undefined {
  let at = start;
  for (let i = 0; i < PREFIX.length; i++, at++) if (bytes[at] !== PREFIX.charCodeAt(i)) return undefined;
  let seq = 0;
  const digitsStart = at;
  while (at < end && bytes[at]! >= 0x30 && bytes[at]! <= 0x39 && at - digitsStart < 16)
    seq = seq * 10 + bytes[at++]! - 0x30;
  if (at === digitsStart) return undefined;
  for (let i = 0; i < PREV.length; i++, at++) if (bytes[at] !== PREV.charCodeAt(i)) return undefined;
  if (at + 65 > end || bytes[at + 64] !== 0x22) return undefined;
  const prev = Buffer.from(bytes.buffer, bytes.byteOffset + at, 64).toString('latin1');
  return /^[0-9a-f]{64}$/.test(prev) ? { seq, prev } : undefined;
}

/** The head a line ends a chain with, or undefined for a line that is not chained. */
export function headOfLine(line: Buffer): AuditHead | undefined {
  const fields = chainFieldsOf(line, 0, line.length);
  return fields === undefined ? undefined : { seq: fields.seq, hash: lineHash(line) };
}

/** What a head's signature covers: the chain it ends (a lineage, a database state) and where it ends. */
function signedText(scope: string, head: AuditHead): string {
  return `cxone-exports audit head v1\n${scope}\n${head.seq}\n${head.hash}`;
}

/** The head, signed with `key` when one is set. */
export function signHead(head: AuditHead, scope: string, key: string | undefined): AuditHead {
  const unsigned = { seq: head.seq, hash: head.hash };
  if (key === undefined) return unsigned;
  const mac = crypto().createHmac('sha256', key).update(signedText(scope, unsigned)).digest('hex');
  return { ...unsigned, signature: `hmac-sha256:${mac}` };
}

/** Whether `head` carries a signature made with `key` for `scope`. */
export function headSignedWith(head: AuditHead, scope: string, key: string): boolean {
  const expected = signHead(head, scope, key).signature!;
  const given = head.signature ?? '';
  return given.length === expected.length && crypto().timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
