import { crypto } from '../on-first-use.js';
// The Idempotency-Key of a scheduled run: the same for every applier of the same state, export, definition and
// tick, so two appliers racing for one tick (even from diverged copies of the state) make one execution.

/** A fixed namespace for RFC 9562 name-based keys (UUIDv5) of this tool. */
const NAMESPACE = 'a7c1f0e2-4b6d-5e38-9f21-0c3d7e8b9a45';

export function scheduledRunKey(run: { lineage: string; name: string; definitionHash: string; tick: string }): string {
  return uuidV5(`${run.lineage}/${run.name}/${run.definitionHash}/${run.tick}`, NAMESPACE);
}

/** RFC 9562 §5.5: SHA-1 of the namespace's bytes and the name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = crypto()
    .createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
