// The identity of a definition version: what plan compares against the applied state.

import { canonicalJson } from './canonical-json.js';
import type { ExportSpec } from './export-definition.js';
import { crypto } from '../on-first-use.js';

export function definitionHash(spec: ExportSpec): string {
  return `sha256:${crypto().createHash('sha256').update(canonicalJson(spec)).digest('hex')}`;
}
