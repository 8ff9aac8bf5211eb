// Field-level differences between two versions of a definition, on normalized values, so a reviewer sees
// exactly what changes in the payload.

import { canonicalJson } from '../definitions/canonical-json.js';
import type { FieldChange } from './plan-model.js';

/** Leaf-by-leaf differences of two JSON-like values; paths are dotted (`spec.format.maxRows`). */
export function fieldChanges(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  // A missing side counts as an empty map, so a new or removed definition lists every field it has.
  const mapOrMissing = (value: unknown) => value === undefined || isPlainObject(value);
  if (mapOrMissing(before) && mapOrMissing(after) && (before !== undefined || after !== undefined)) {
    const left = before ?? {};
    const right = after ?? {};
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => fieldChanges(left[key], right[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  if (same(before, after)) return [];
  return [{ path: prefix, before: before ?? null, after: after ?? null }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}
