// A saved plan edited and sealed again, as anyone can: the checksum is an unkeyed SHA-256 over the rest.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/definitions/canonical-json.js';

export function reseal(plan: Record<string, unknown>): Record<string, unknown> {
  const unsealed = { ...plan };
  delete unsealed.checksum;
  return { ...unsealed, checksum: `sha256:${createHash('sha256').update(canonicalJson(unsealed)).digest('hex')}` };
}
