// A cache of checked definition files, so `validate` on a repository where one file of many changed checks that
// one. An entry is found by the SHA-256 of everything its result depends on: the file's path and text, the rule
// config and environment it was checked for, and the build of the tool that checked it. So it is never trusted
// across tool versions (or builds), and it is safe to delete at any time: a missing or unreadable cache is one
// that is empty. An entry keeps what validate reports (the problems, the names and where they are set, and each
// definition's name and callback URL), not whole definitions: nothing but validate reads it.
//
// All entries live in one file, `<stateDir>/.cache/definitions.cache`, never committed (.gitignore), a line per
// entry: one read at start, and one write (aside, then renamed) when something changed. A thousand small files
// cost a thousand opens on every run, and a thousand writes after a cold one.

import { makeDirectorySync } from '../files/file-kind.js';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolVersion } from '../version.js';
import { canonicalJson } from './canonical-json.js';
import { checkDefinitionFile, summarizeCheck } from './check-definitions.js';
import type { DefinitionFile, DefinitionSummary, FileCheck, FileChecker } from './check-definitions.js';
import type { RuleConfig } from './contract-rules.js';
import { crypto } from '../on-first-use.js';

const FORMAT = 4;

/** The first line of the cache file: what reads it knows which format it holds. */
const HEADER = `cxone-exports definition cache, format ${FORMAT}`;

type Summary = FileCheck<DefinitionSummary>;

/** An entry as read (its line, decoded when first looked up) or as made this run. */
interface Entry {
  line: string;
  summary?: Summary;
}

export class DefinitionCache {
  private entries: Map<string, Entry> | undefined;
  private readonly used = new Set<string>();
  private readonly keys = new WeakMap<DefinitionFile, Map<RuleConfig, string>>();
  private hits = 0;
  private misses = 0;

  private constructor(
    private readonly file: string,
    /** Where format 2 kept one file per entry: removed at the first save. */
    private readonly formerDir: string,
  ) {}

  /** The cache in `cacheDir` (made on the first save). */
  static open(cacheDir: string): DefinitionCache {
    return new DefinitionCache(join(cacheDir, 'definitions.cache'), join(cacheDir, 'definitions'));
  }

  /** checkDefinitionFile with this cache in front of it. */
  readonly checker: FileChecker<DefinitionSummary> = (file, config) =>
    this.lookup(file, config) ?? this.store(file, config, checkDefinitionFile(file, config));

  /** What the check of this file in this config found before, if the cache holds it. */
  lookup(file: DefinitionFile, config: RuleConfig): Summary | undefined {
    const key = this.keyOf(file, config);
    const entry = this.loaded().get(key);
    if (entry === undefined) return undefined;
    if (entry.summary === undefined) {
      try {
        entry.summary = JSON.parse(entry.line.slice(key.length + 1)) as Summary;
      } catch {
        // A damaged line is an entry that is not there.
        this.loaded().delete(key);
        return undefined;
      }
    }
    if (!this.used.has(key)) this.hits++;
    this.used.add(key);
    return entry.summary;
  }

  /** Keeps a check made this run (written at save()); returns what is kept of it. */
  store(file: DefinitionFile, config: RuleConfig, check: FileCheck<DefinitionSummary>): Summary {
    const key = this.keyOf(file, config);
    const summary = summarizeCheck(check);
    this.loaded().set(key, { line: `${key} ${JSON.stringify(summary)}`, summary });
    this.used.add(key);
    this.misses++;
    return summary;
  }

  /** How many file checks this run took from the cache, and how many it made. */
  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  /**
   * Writes the entries this run used, when it checked something or left entries unused (older texts, other
   * builds). Best effort: a cache that cannot be written (a read-only checkout, a full disk) only means the next
   * run checks more.
   */
  save(): void {
    const entries = this.loaded();
    if (this.misses === 0 && this.used.size === entries.size) return;
    const lines = [HEADER];
    for (const key of this.used) lines.push(entries.get(key)!.line);
    try {
      makeDirectorySync(dirname(this.file));
      const temporary = `${this.file}.${crypto().randomUUID()}.tmp`;
      writeFileSync(temporary, `${lines.join('\n')}\n`);
      renameSync(temporary, this.file);
      rmSync(this.formerDir, { recursive: true, force: true });
    } catch {
      // Left as it was: the file is whole (written aside, then renamed), and what is missing is checked again.
    }
  }

  /** The entry key of a file in a config, hashed once however often it is asked for. */
  private keyOf(file: DefinitionFile, config: RuleConfig): string {
    let byConfig = this.keys.get(file);
    if (byConfig === undefined) this.keys.set(file, (byConfig = new Map<RuleConfig, string>()));
    let key = byConfig.get(config);
    if (key === undefined) byConfig.set(config, (key = entryKey(file, config)));
    return key;
  }

  private loaded(): Map<string, Entry> {
    this.entries ??= this.read();
    return this.entries;
  }

  /** One line per entry, its key first; each is decoded only when looked up, and written back as it was read. */
  private read(): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return entries;
    }
    const lines = text.split('\n');
    if (lines[0] !== HEADER) return entries;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const space = line.indexOf(' ');
      if (space > 0) entries.set(line.slice(0, space), { line });
    }
    return entries;
  }
}

/** This build of the tool: its version, and when this module was built (a rebuild rewrites every file). */
const BUILD = `${toolVersion()} ${statSync(fileURLToPath(import.meta.url)).mtimeMs}`;

function entryKey(file: DefinitionFile, config: RuleConfig): string {
  return crypto()
    .createHash('sha256')
    .update(`${FORMAT}\0${BUILD}\0${rulesOf(config)}\0${file.file}\0`)
    .update(file.text)
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
