// What users read must stand on its own: no references to this project's internal contract or its seed.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const USER_FACING = [
  'README.md',
  'cxone-exports.config.yaml',
  'templates/cxone-exports.config.yaml',
  'templates/exports/example.yaml',
  ...readdirSync(join(ROOT, 'schemas')).map((f) => `schemas/${f}`),
];

describe('user-facing text', () => {
  it.each(USER_FACING)('%s cites no internal document', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/CONTRACT\.md|DESIGN\.md|§\s*\d|\bthe seed\b|seed's/);
  });
});
