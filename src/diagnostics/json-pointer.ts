// JSON Pointers (RFC 6901), as ajv reports them in `instancePath`, and the dotted form users read.

import { InternalError } from '../errors.js';

export type JsonPath = readonly (string | number)[];

/** `/spec/a~1b/0` -> ['spec', 'a/b', '0']. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new InternalError(`not a JSON Pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ['spec', 'format', 'maxRows'] -> `spec.format.maxRows`; odd keys are bracketed: `labels["a.b"]`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(document)' : out;
}
