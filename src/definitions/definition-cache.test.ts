import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionYaml, testConfig } from '../../test/support/fixtures.js';
import { checkDefinitionFile, checkDefinitionFiles, summarizeCheck } from './check-definitions.js';
import type { DefinitionFile } from './check-definitions.js';
import type { RuleConfig } from './contract-rules.js';
import { DefinitionCache } from './definition-cache.js';

const FILES = [
  { file: 'exports/a.yaml', text: definitionYaml('a') },
  { file: 'exports/b.yaml', text: definitionYaml('b', ['maxRows: 0']) },
];

/** What validate reports of the files when each is checked afresh: the summaries the cache keeps. */
function freshSummary(files: readonly DefinitionFile[], config: RuleConfig) {
  return checkDefinitionFiles(files, config, (file, rules) => summarizeCheck(checkDefinitionFile(file, rules)));
}

describe('the definition cache', () => {
  it('gives what a fresh check gives, and checks again only what changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-cache-'));
    const config = testConfig();
    const first = DefinitionCache.open(dir);
    const fresh = freshSummary(FILES, config);
    expect(checkDefinitionFiles(FILES, config, first.checker)).toEqual(fresh);
    expect(first.stats()).toEqual({ hits: 0, misses: 2 });
    first.save();

    const second = DefinitionCache.open(dir);
    expect(checkDefinitionFiles(FILES, config, second.checker)).toEqual(fresh);
    expect(second.stats()).toEqual({ hits: 2, misses: 0 });

    const edited = [FILES[0]!, { file: 'exports/b.yaml', text: definitionYaml('b', ['maxRows: 5']) }];
    const third = DefinitionCache.open(dir);
    expect(checkDefinitionFiles(edited, config, third.checker)).toEqual(freshSummary(edited, config));
    expect(third.stats()).toEqual({ hits: 1, misses: 1 });
  });

  it('checks again when the rules change, and reads nothing from a damaged entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-cache-'));
    const cache = DefinitionCache.open(dir);
    checkDefinitionFiles(FILES, testConfig(), cache.checker);
    cache.save();
    const stricter = DefinitionCache.open(dir);
    checkDefinitionFiles(FILES, testConfig({ limits: { maxRows: 500 } }), stricter.checker);
    expect(stricter.stats()).toEqual({ hits: 0, misses: 2 });
    // Entries this run did not use (here: those of the other rules) are removed.
    stricter.save();
    const saved = readFileSync(join(dir, 'definitions.cache'), 'utf8').trim().split('\n');
    expect(saved).toHaveLength(1 + 2);

    // Every entry cut short, as a full disk might leave them.
    writeFileSync(
      join(dir, 'definitions.cache'),
      saved.map((line, i) => (i === 0 ? line : line.slice(0, 90))).join('\n'),
    );
    const damaged = DefinitionCache.open(dir);
    const limits = testConfig({ limits: { maxRows: 500 } });
    expect(checkDefinitionFiles(FILES, limits, damaged.checker)).toEqual(freshSummary(FILES, limits));
    expect(damaged.stats()).toEqual({ hits: 0, misses: 2 });
  });

  it('keeps what validate reports, not whole definitions, and replaces the one-file-per-entry cache of before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxone-cache-'));
    mkdirSync(join(dir, 'definitions'));
    writeFileSync(join(dir, 'definitions', 'old.json'), '{}');
    const cache = DefinitionCache.open(dir);
    const [valid] = checkDefinitionFiles(FILES, testConfig(), cache.checker).definitions;
    expect(valid).toEqual({ name: 'a', spec: {} });
    cache.save();
    expect(readdirSync(dir)).toEqual(['definitions.cache']);
  });

  it('only costs the next run a full check when it cannot be written', () => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'cxone-cache-')), 'file-not-dir');
    writeFileSync(blocked, '');
    const cache = DefinitionCache.open(join(blocked, 'cache'));
    checkDefinitionFiles(FILES, testConfig(), cache.checker);
    expect(() => cache.save()).not.toThrow();
  });
});
