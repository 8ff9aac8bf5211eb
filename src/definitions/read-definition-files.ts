// Finds and reads definition files: every *.yaml / *.yml below the given directories, and files named directly.

import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DefinitionFile } from './check-definitions.js';

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface ReadResult {
  files: DefinitionFile[];
  diagnostics: Diagnostic[];
}

/** `paths` may name files or directories; they are resolved against `cwd` and shown relative to it. */
export async function readDefinitionFiles(paths: readonly string[], cwd: string): Promise<ReadResult> {
  const diagnostics: Diagnostic[] = [];
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const kind = await stat(absolute).then(
      (s) => (s.isDirectory() ? 'dir' : 'file'),
      () => 'missing' as const,
    );
    if (kind === 'missing') diagnostics.push(ioProblem(display(cwd, absolute), `${display(cwd, absolute)} does not exist; check the path`, 'io/not-found'));
    else if (kind === 'file') found.add(absolute);
    else for (const file of await listDefinitionFiles(absolute)) found.add(file);
  }

  const sorted = [...found].sort();
  const files = await Promise.all(
    sorted.map(async (absolute): Promise<DefinitionFile | Diagnostic> => {
      const file = display(cwd, absolute);
      try {
        return { file, text: await readFile(absolute, 'utf8') };
      } catch (error) {
        return ioProblem(file, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'io/read');
      }
    }),
  );
  for (const entry of files) if ('rule' in entry) diagnostics.push(entry);
  return { files: files.filter((entry): entry is DefinitionFile => 'text' in entry), diagnostics };
}

async function listDefinitionFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && DEFINITION_EXTENSIONS.has(extname(entry.name)))
    .map((entry) => join(parentOf(entry), entry.name))
    .filter((path) => !relative(dir, path).split(/[\\/]/).some((part) => part.startsWith('.') || part === 'node_modules'));
}

function display(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return (rel === '' ? '.' : rel).split('\\').join('/');
}

function ioProblem(file: string, message: string, rule: string): Diagnostic {
  return { file, line: 1, column: 1, export: null, message, rule };
}

// `parentPath` arrived in Node 20.12; earlier 20.x releases call it `path`.
function parentOf(entry: { parentPath?: string; path?: string }): string {
  return entry.parentPath ?? entry.path ?? '';
}
