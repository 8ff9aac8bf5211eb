// What users read must stand on its own: no references to documents outside the repository or to the seed, a
// section of the CXone contract cited by its path (docs/design/cxone-contract.md §N), and every link between the
// documents leads somewhere.

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
  ...readdirSync(join(ROOT, 'templates', 'config')).map((f) => `templates/config/${f}`),
  ...readdirSync(join(ROOT, 'schemas')).map((f) => `schemas/${f}`),
];

describe('user-facing text', () => {
  it.each(USER_FACING)('%s cites no internal document', (file) => {
    // The contract numbers its own sections; elsewhere a section is cited with the document's path.
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/cxone-contract\.md §\d/g, '');
    expect(text).not.toMatch(/CONTRACT\.md|DESIGN\.md|STYLE\.md|\.\.\/shared\b|\bthe seed\b|seed's/);
    if (file !== 'docs/design/cxone-contract.md') expect(text).not.toMatch(/§\s*\d/);
  });

  it('has the sources cite only documents the repository holds', () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : /\.(ts|mjs|sh)$/.test(entry.name)
            ? [join(dir, entry.name)]
            : [],
      );
    const outside = ['src', 'test', '.github']
      .flatMap(sources)
      .filter((file) => file !== 'test/docs.test.ts')
      .filter((file) =>
        /CONTRACT\.md|DESIGN\.md|STYLE\.md|\.\.\/shared\//.test(readFileSync(join(ROOT, file), 'utf8')),
      );
    expect(outside).toEqual([]);
    // What they cite of the contract is a section it has.
    const contract = readFileSync(join(ROOT, 'docs/design/cxone-contract.md'), 'utf8');
    const cited = ['src', 'test']
      .flatMap(sources)
      .flatMap((file) =>
        [...readFileSync(join(ROOT, file), 'utf8').matchAll(/cxone-contract\.md §(\d)/g)].map((m) => m[1]!),
      );
    expect(cited.length).toBeGreaterThan(10);
    for (const section of new Set(cited)) expect(contract).toContain(`## §${section} `);
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
