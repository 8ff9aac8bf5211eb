// Finds and reads definition files: every *.yaml / *.yml below the given directories, and files named directly.
// Only regular files are read (a FIFO would block forever). Symbolic links are followed while they stay inside
// the repository; any other entry that looks like a definition gets a positioned problem, never silence.

import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import type { Stats } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { describeSystemError } from '../files/system-error.js';
import { kindOf } from '../files/file-kind.js';
import type { DefinitionFile } from './check-definitions.js';
import { decodeDefinitionText } from './decode-definition-text.js';
import type { RuleCode } from '../diagnostics/rule-codes.js';

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface ReadResult {
  files: DefinitionFile[];
  diagnostics: Diagnostic[];
}

/**
 * Synchronous throughout: for a tree of many small files and folders, calls one after the other are several times
 * faster than as many queued on the thread pool.
 *
 * `paths` may name files or directories; they are resolved against `cwd` and shown relative to it. Links may
 * lead anywhere inside `rootDir` (the repository), nowhere outside it.
 */
export function readDefinitionFiles(paths: readonly string[], cwd: string, rootDir = cwd): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const found = new Set<string>();
  const root = attempt(() => realpathSync(rootDir)) ?? resolve(rootDir);
  const visitedDirs = new Set<string>();

  const consider = (absolute: string, named: boolean): void => {
    const file = display(cwd, absolute);
    const own = errorOr(() => lstatSync(absolute));
    if (own instanceof Error) {
      if (own.code === 'ENOENT')
        diagnostics.push(ioProblem(file, `${file} does not exist; check the path`, 'io/not-found'));
      else diagnostics.push(ioProblem(file, systemMessage(own, file, cwd), 'io/read'));
      return;
    }
    let target: Stats = own;
    if (own.isSymbolicLink()) {
      const real = errorOr(() => realpathSync(absolute));
      if (real instanceof Error) {
        diagnostics.push(
          ioProblem(
            file,
            real.code === 'ELOOP'
              ? `${file} is a symbolic link in a loop (it leads back to itself); fix or remove the link`
              : `${file} is a symbolic link to nothing (its target does not exist); fix or remove the link`,
            'io/symlink',
          ),
        );
        return;
      }
      if (real !== root && !real.startsWith(`${root}${sep}`)) {
        diagnostics.push(
          ioProblem(
            file,
            `${file} is a symbolic link to ${real}, outside the repository; copy the definition into the repository instead`,
            'io/symlink',
          ),
        );
        return;
      }
      target = statSync(absolute);
    }
    if (target.isDirectory()) {
      const real = realpathSync(absolute);
      if (visitedDirs.has(real)) return;
      visitedDirs.add(real);
      listDirectory(absolute);
    } else if (target.isFile()) {
      if (named || DEFINITION_EXTENSIONS.has(extname(absolute))) found.add(absolute);
    } else if (named || DEFINITION_EXTENSIONS.has(extname(absolute))) {
      diagnostics.push(
        ioProblem(
          file,
          `${file} is ${kindOf(target)}, not a regular file, so it is not read; replace it with a file`,
          'io/not-a-file',
        ),
      );
    }
  };

  const listDirectory = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (error) {
      diagnostics.push(ioProblem(display(cwd, dir), systemMessage(error, display(cwd, dir), cwd), 'io/read'));
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      // A plain file is known from the listing: no call per file to ask what it is.
      if (entry.isFile()) {
        if (DEFINITION_EXTENSIONS.has(extname(entry.name))) found.add(join(dir, entry.name));
      } else consider(join(dir, entry.name), false);
    }
  };

  for (const path of paths) consider(resolve(cwd, path), true);

  const sorted = [...found].sort();
  const files = sorted.map((absolute): DefinitionFile | Diagnostic => {
    const file = display(cwd, absolute);
    let bytes: Buffer;
    try {
      // Regular files only (checked above).
      bytes = readFileSync(absolute);
    } catch (error) {
      return ioProblem(file, systemMessage(error, file, cwd), 'io/read');
    }
    const decoded = decodeDefinitionText(bytes);
    if (!decoded.ok)
      return {
        file,
        line: decoded.line,
        column: decoded.column,
        export: null,
        message: decoded.message,
        rule: 'io/encoding',
      };
    return { file, text: decoded.text };
  });
  for (const entry of files) if ('rule' in entry) diagnostics.push(entry);
  return { files: files.filter((entry): entry is DefinitionFile => 'text' in entry), diagnostics };
}

/** The value, or undefined when getting it throws. */
function attempt<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/** The value, or the error getting it threw. */
function errorOr<T>(get: () => T): T | NodeJS.ErrnoException {
  try {
    return get();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

function systemMessage(error: unknown, file: string, cwd: string): string {
  const described = describeSystemError(error, cwd);
  if (described !== undefined)
    return `cannot read ${file}: ${described.message.replace(/^cannot \w+ [^:]*: /, '')}; ${described.hint.split('\n')[0]}`;
  return `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
}

function display(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return (rel === '' ? '.' : rel).split('\\').join('/');
}

function ioProblem(file: string, message: string, rule: RuleCode): Diagnostic {
  return { file, line: 1, column: 1, export: null, message, rule };
}
