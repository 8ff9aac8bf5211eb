// The layers of README's "Architecture", checked: every import in src/ points to its own layer or one below, and
// nothing below the CLI prints or reads the environment.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/** Top to bottom; a module may import from its own layer and any layer after it. */
const LAYERS: readonly (readonly string[])[] = [
  ['build', 'demo'],
  ['cli'],
  ['workflows'],
  ['operations'],
  ['apply', 'callbacks', 'status'],
  ['plan'],
  ['state', 'cxone', 'simulator'],
  ['audit', 'definitions'],
  ['config'],
  ['diagnostics', 'contract', 'files', 'schedules'],
  ['errors.ts', 'clock.ts', 'redaction.ts', 'version.ts', 'package-files.ts'],
];

function layerOf(file: string): number {
  const top = relative(SRC, file).split('/')[0]!;
  const index = LAYERS.findIndex((layer) => layer.includes(top));
  if (index < 0) throw new Error(`${relative(SRC, file)} is in no layer: add its folder to LAYERS and the README`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const files = sourceFiles(SRC);

describe('the architecture', () => {
  it('has every import point to its own layer or one below', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
        const target = normalize(join(dirname(file), (match[1] ?? match[2]!).replace(/\.js$/, '.ts')));
        if (layerOf(target) < layerOf(file)) upward.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('prints and reads the environment only in the CLI and the demo entry', () => {
    const edges = files.filter((file) => layerOf(file) > 1);
    const offending = edges.filter((file) =>
      /process\.env|process\.stdout|process\.stderr|console\./.test(readFileSync(file, 'utf8')),
    );
    expect(offending.map((file) => relative(SRC, file))).toEqual([]);
  });

  it('takes the time and the working directory only from what the command layer hands down', () => {
    // The Clock is the one source of time, so tests drive their own; the working directory is the command's (-C).
    const below = files.filter((file) => layerOf(file) > 1 && !file.endsWith('/clock.ts'));
    const offending = below.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/Date\.now\(\)|new Date\(\)|process\.cwd\(\)|performance\.now\(\)/g)].map(
        (match) => `${relative(SRC, file)}: ${match[0]}`,
      ),
    );
    expect(offending).toEqual([]);
  });
});
