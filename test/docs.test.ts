// What users read must stand on its own: no references to this project's internal contract or its seed, and
// every link between the documents leads somewhere.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DOCUMENTS = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...['guides', 'design'].flatMap((folder) =>
    readdirSync(join(ROOT, 'docs', folder)).map((file) => `docs/${folder}/${file}`),
  ),
];
const USER_FACING = [
  ...DOCUMENTS,
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

  it.each(DOCUMENTS)('%s links only to files that exist', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/^```[^]*?^```$/gm, '');
    const broken = [...text.matchAll(/\[[^\]]+\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^(https?:|mailto:|#)/.test(target))
      .filter((target) => !existsSync(join(ROOT, dirname(file), target.split('#')[0]!)));
    expect(broken).toEqual([]);
  });

  it('keeps the README short enough to read in five minutes', () => {
    expect(readFileSync(join(ROOT, 'README.md')).length).toBeLessThanOrEqual(12 * 1024);
  });
});
