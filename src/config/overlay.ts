// Overlaying one setting tree on another, as environments do: maps merge key by key, and anything else (a value,
// a list) replaces what was there.

export type Tree = Record<string, unknown>;

export function overlay(base: unknown, over: unknown): unknown {
  if (!isTree(base) || !isTree(over)) return over;
  const merged: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = overlay(base[key], value);
  return merged;
}

/** The value at `path`, or undefined where the path leaves the tree. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const key of path) {
    if (!isTree(at)) return undefined;
    at = at[String(key)];
  }
  return at;
}

export function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
