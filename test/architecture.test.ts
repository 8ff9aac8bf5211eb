// The layers of docs/design/architecture.md, checked: every import in src/ points to its own layer or one below,
// nothing below the CLI prints or reads the environment, and the document's table lists these layers in order.

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
  ['state', 'cxone', 'simulator', 'github'],
  ['audit', 'definitions'],
  ['config'],
  ['diagnostics', 'contract', 'files', 'schedules'],
  ['errors.ts', 'clock.ts', 'redaction.ts', 'version.ts', 'package-files.ts', 'on-first-use.ts'],
];

function layerOf(file: string): number {
  const top = relative(SRC, file).split('/')[0]!;
  const index = LAYERS.findIndex((layer) => layer.includes(top));
  if (index < 0)
    throw new Error(`${relative(SRC, file)} is in no layer: add its folder to LAYERS and docs/design/architecture.md`);
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

/** What each module imports, type-only and dynamic imports included, as paths of .ts files. */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'|import\('(\.[^']+)'\)/g)].map((match) =>
    normalize(join(dirname(file), (match[1] ?? match[2]!).replace(/\.js$/, '.ts'))),
  );
}

/** The groups of modules that import one another in a circle (Tarjan's strongly connected components). */
function importCycles(): string[][] {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const order = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    lowest.set(file, order.get(file)!);
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!order.has(target)) {
        visit(target);
        lowest.set(file, Math.min(lowest.get(file)!, lowest.get(target)!));
      } else if (stack.includes(target)) lowest.set(file, Math.min(lowest.get(file)!, order.get(target)!));
    }
    if (lowest.get(file) !== order.get(file)) return;
    const group = stack.splice(stack.indexOf(file));
    if (group.length > 1) cycles.push(group.map((member) => relative(SRC, member)));
  };
  for (const file of files) if (!order.has(file)) visit(file);
  return cycles;
}

describe('the architecture', () => {
  it('has every import point to its own layer or one below', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const target of importsOf(file))
        if (layerOf(target) < layerOf(file)) upward.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycles, type-only and dynamic imports included', () => {
    // A command's descriptor imports its run (lazily) and the run's options type; the run never imports back.
    expect(importCycles()).toEqual([]);
  });

  it('keeps each command in one folder: its descriptor, its run and its view', () => {
    const commands = join(SRC, 'cli', 'commands');
    const folders = readdirSync(commands, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const incomplete = folders
      .filter(
        (folder) =>
          !['descriptor.ts', 'run.ts', 'view.ts'].every((name) => files.includes(join(commands, folder.name, name))),
      )
      .map((folder) => folder.name);
    expect(folders.length).toBeGreaterThan(10);
    expect(incomplete).toEqual([]);
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

describe('the command layer', () => {
  it('reads the time only through the Clock it hands down, but in the entry points', () => {
    // main.ts (the bin) and cli.ts (the script) start the process; every command and view takes ctx.io.clock, so an
    // in-process test drives the time a command sees, and `--at` is one branch, not a second clock.
    const entryPoints = ['cli/main.ts', 'cli/cli.ts'].map((file) => join(SRC, file));
    const cli = files.filter((file) => layerOf(file) === 1 && !entryPoints.includes(file));
    const offending = cli.flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /Date\.now\(\)|new Date\(\)|performance\.now\(\)|process\.hrtime|process\.uptime\(\)/g,
        ),
      ].map((match) => `${relative(SRC, file)}: ${match[0]}`),
    );
    expect(cli.length).toBeGreaterThan(30);
    expect(offending).toEqual([]);
  });

  it('hands the system clock down from the entry point only', () => {
    // A command or an operation that took systemClock for itself would ignore a test's clock (and --at) for
    // part of its work. The simulator, CXone's stand-in, keeps its own time unless it is given one.
    const allowed = ['clock.ts', 'cli/cli.ts', 'simulator/simulator-options.ts'].map((file) => join(SRC, file));
    const taking = files.filter(
      (file) => !allowed.includes(file) && /\bsystemClock\b/.test(readFileSync(file, 'utf8')),
    );
    expect(taking.map((file) => relative(SRC, file))).toEqual([]);
  });
});

describe('the source files', () => {
  it('are each at most 450 lines: one concept per file', () => {
    const long = sourceFiles(SRC)
      .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 450)
      .map(({ file, lines }) => `${relative(SRC, file)}: ${lines} lines`);
    expect(files.length).toBeGreaterThan(100);
    expect(long).toEqual([]);
  });
});

describe('the architecture document', () => {
  it('lists every layer folder, in the order of LAYERS', () => {
    const doc = readFileSync(join(SRC, '..', 'docs', 'design', 'architecture.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => /^\| [A-Za-z][A-Za-z ]+ +\| `/.test(line));
    const listed = rows.flatMap((row) => [...row.split('|')[2]!.matchAll(/`([^`]+?)\/?`/g)].map((m) => m[1]!));
    expect(listed).toEqual(LAYERS.flat());
  });
});
