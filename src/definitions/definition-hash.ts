// The identity of a definition version: what plan compares against the applied state.

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { ExportSpec } from './export-definition.js';

export function definitionHash(spec: ExportSpec): string {
  return `sha256:${createHash('sha256').update(canonicalJson(spec)).digest('hex')}`;
}
