// A cache of checked definition files, so `validate` on a repository where one file of many changed checks that
// one. An entry is found by the SHA-256 of everything its result depends on: the file's path and text, the rule
// config and environment it was checked for, and the build of the tool that checked it. So it is never trusted
// across tool versions (or builds), and it is safe to delete at any time: a missing or unreadable entry is one
// that is not there. One small file per entry, in `<stateDir>/.cache/definitions/`, which is never committed
// (.gitignore): a run reads the entries it needs and writes only what it checked.

import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolVersion } from '../version.js';
import { canonicalJson } from './canonical-json.js';
import { checkDefinitionFile } from './check-definitions.js';
import type { FileCheck, FileChecker } from './check-definitions.js';
import type { RuleConfig } from './contract-rules.js';

const FORMAT = 2;

export class DefinitionCache {
  private readonly used = new Set<string>();
  private readonly checked = new Map<string, FileCheck>();
  private hits = 0;

  private constructor(private readonly dir: string) {}

  /** The cache in `cacheDir` (made on the first save). */
  static open(cacheDir: string): DefinitionCache {
    return new DefinitionCache(join(cacheDir, 'definitions'));
  }

  /** checkDefinitionFile with this cache in front of it. */
  readonly checker: FileChecker = (file, config) => {
    const key = entryKey(file.file, file.text, config);
    this.used.add(key);
    const cached = this.checked.get(key) ?? this.read(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    const result = checkDefinitionFile(file, config);
    this.checked.set(key, result);
    return result;
  };

  /** How many file checks this run took from the cache, and how many it made. */
  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.checked.size };
  }

  /**
   * Writes what this run checked, and removes entries it did not use (older texts, other builds). Best effort: a
   * cache that cannot be written (a read-only checkout, a full disk) only means the next run checks more.
   */
  save(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      for (const [key, result] of this.checked) {
        const temporary = join(this.dir, `${randomUUID()}.tmp`);
        writeFileSync(temporary, JSON.stringify(result));
        renameSync(temporary, join(this.dir, `${key}.json`));
      }
      for (const name of readdirSync(this.dir))
        if (!this.used.has(name.replace(/\.json$/, ''))) rmSync(join(this.dir, name), { force: true });
    } catch {
      // Left as it is: every entry is whole (written aside, then renamed), and a missing one is checked again.
    }
  }

  private read(key: string): FileCheck | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as FileCheck;
    } catch {
      return undefined;
    }
  }
}

/** This build of the tool: its version, and when this module was built (a rebuild rewrites every file). */
const BUILD = `${toolVersion()} ${statSync(fileURLToPath(import.meta.url)).mtimeMs}`;

function entryKey(file: string, text: string, config: RuleConfig): string {
  return createHash('sha256')
    .update(`${FORMAT}\0${BUILD}\0${rulesOf(config)}\0${file}\0${text}`)
    .digest('hex');
}

const rules = new WeakMap<RuleConfig, string>();

/** Everything in the config a check reads, once per config. */
function rulesOf(config: RuleConfig): string {
  let text = rules.get(config);
  if (text === undefined) {
    text = canonicalJson({ limits: config.limits, defaults: config.defaults, environment: config.environment ?? null });
    rules.set(config, text);
  }
  return text;
}
