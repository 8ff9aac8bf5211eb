// The config search of the common case, answered without cosmiconfig: loading cosmiconfig (and the parsers it
// brings) costs a command more than the rest of its config handling. It answers only when the first file found
// is one cosmiconfig would not load either (our loaders read YAML, JSON-as-YAML and rc files ourselves) or a
// package.json, and when nothing could change cosmiconfig's own options (its meta config). Anything else, a
// JavaScript config, a package.json that does not parse, a file it cannot read, it leaves to cosmiconfig, so the
// two always find the same file.

import { readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

export interface FoundConfig {
  filepath: string;
  /** What cosmiconfig's loaders would return: the package.json key, or nothing (YAML is read by us later). */
  config: unknown;
}

/** Where cosmiconfig looks for its own options, in the working directory; any of these present: let it decide. */
const META_CONFIG_PLACES = ['package.yaml', '.config/config.json', '.config/config.yaml', '.config/config.yml'].concat([
  '.config/config.js',
  '.config/config.ts',
  '.config/config.cjs',
  '.config/config.mjs',
]);

/** The files we read ourselves once found: YAML, and rc files without an extension. */
const READ_BY_US = new Set(['.yaml', '.yml', '']);

/**
 * The config in `dir` as cosmiconfig's search would find it, when it has no meta config: the found file, null when
 * none of `places` holds a config, or undefined when only cosmiconfig can tell.
 */
export function searchDirectory(
  dir: string,
  places: readonly string[],
  moduleName: string,
): FoundConfig | null | undefined {
  for (const place of places) {
    const filepath = join(dir, place);
    const stats = statSync(filepath, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    if (!stats.isFile()) return undefined;
    let text: string;
    try {
      text = readFileSync(filepath, 'utf8');
    } catch {
      return undefined;
    }
    // cosmiconfig skips a file of whitespace and goes on looking.
    if (text.trim() === '') continue;
    if (basename(filepath) === 'package.json') {
      const value = packageProperty(text, moduleName);
      if (value === undefined) return undefined;
      if (value === null) continue;
      return { filepath, config: value };
    }
    return READ_BY_US.has(extname(filepath)) ? { filepath, config: {} } : undefined;
  }
  return null;
}

/** The package.json key's value, null without the key, undefined when the file does not parse. */
function packageProperty(text: string, moduleName: string): unknown {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown> | null;
    return pkg?.[moduleName] ?? null;
  } catch {
    return undefined;
  }
}

/**
 * Whether cosmiconfig finds a meta config (its own options) in `cwd`, the process's working directory whatever
 * directory is searched: then the whole search is cosmiconfig's. Asked once per search.
 */
export function cosmiconfigHasMetaConfig(cwd: string): boolean {
  if (META_CONFIG_PLACES.some((place) => statSync(join(cwd, place), { throwIfNoEntry: false }) !== undefined))
    return true;
  const pkg = statSync(join(cwd, 'package.json'), { throwIfNoEntry: false });
  if (pkg === undefined) return false;
  try {
    return (
      (JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { cosmiconfig?: unknown })?.cosmiconfig !==
      undefined
    );
  } catch {
    return true;
  }
}
