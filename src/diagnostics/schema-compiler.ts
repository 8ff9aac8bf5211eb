// The build step that compiles each schema into standalone validation code (ajv's guidance for tools that must
// start fast): `npm run build` writes one CommonJS module per schema into dist/compiled-schemas/, with the schema
// text it was made from, so a changed schema is never checked by an old validator.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type StandaloneType from 'ajv/dist/standalone/index.js';
import { COMPILED_SCHEMAS_DIR } from './compiled-validators.js';
import { SCHEMAS_DIR, createAjv } from './schema-validator.js';
import type { SchemaName } from './schema-validator.js';

const require = createRequire(import.meta.url);

const SCHEMAS: readonly SchemaName[] = ['export', 'config', 'state', 'plan', 'audit-event', 'callback-event'];

export function writeCompiledSchemas(): void {
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof StandaloneType).default;
  mkdirSync(COMPILED_SCHEMAS_DIR, { recursive: true });
  for (const name of SCHEMAS) {
    const text = readFileSync(`${SCHEMAS_DIR}${name}.schema.json`, 'utf8');
    const ajv = createAjv({ standalone: true });
    const code = standaloneCode(ajv, ajv.compile(JSON.parse(text) as Record<string, unknown>));
    writeFileSync(
      `${COMPILED_SCHEMAS_DIR}${name}.cjs`,
      `${code}\nmodule.exports = { validate: module.exports, schemaText: ${JSON.stringify(text)} };\n`,
    );
  }
}
