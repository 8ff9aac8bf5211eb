// Each view in each format it writes, fed through a recording logger: what reaches stdout and stderr, and the
// GitHub files beside them.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../plan/plan-changes.js';
import { emptyState } from '../../state/state-model.js';
import { appliedEntry, definition, stateWith } from '../../../test/support/state-builders.js';
import { recordingLogger } from '../../../test/support/recording-logger.js';
import { createColors } from '../color.js';
import { PLAN_COMMENT_MARKER } from './render-plan-markdown.js';
import { planView } from '../commands/plan/view.js';
import {
  showCommitFiles,
  showMerged,
  showMigrated,
  showReleased,
  showRemoved,
  showStateEntry,
  showStateList,
} from '../commands/state/view.js';
import { validateView } from '../commands/validate/view.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';

const colors = createColors(0);
const a = definition('a');
const b = definition('b');
const plan = planChanges([a, b], stateWith({ a: appliedEntry(a) }), {
  createdAt: '2026-11-28T06:00:00.000Z',
  targets: [],
  replace: [],
});
const empty = planChanges([], emptyState('lineage-1'), {
  createdAt: '2026-11-28T06:00:00.000Z',
  targets: [],
  replace: [],
});

function githubFiles(): { env: Record<string, string>; summary: () => string; outputs: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'views-'));
  const env = { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output') };
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return { env, summary: () => read(env.GITHUB_STEP_SUMMARY), outputs: () => read(env.GITHUB_OUTPUT) };
}

describe('the plan view', () => {
  it('writes the human plan, with where it applies above it', () => {
    const logger = recordingLogger();
    planView({ env: {}, logger, colors }, 'human').plan(plan, 'Environment sandbox: API x; state y');
    const [text] = logger.written.out;
    expect(text).toMatch(/^Environment sandbox: API x; state y\n\ncxone-exports will perform the following actions:/);
    expect(text).toContain('  # b will be created (new definition)\n  + export "b" {');
    expect(text).toContain('Plan: 1 to submit (1 create), 0 to forget, 1 unchanged.');
    planView({ env: {}, logger, colors }, 'human').plan(empty);
    expect(logger.written.out[1]).toBe('No changes. Exports match the state.\n');
  });

  it('writes JSON alone on stdout, and where it applies on stderr', () => {
    const logger = recordingLogger();
    planView({ env: {}, logger, colors }, 'json').plan(plan, 'Environment sandbox');
    expect(JSON.parse(logger.written.out[0]!)).toMatchObject({
      summary: { create: 1 },
      changes: [{ name: 'a' }, { name: 'b' }],
    });
    expect(logger.written.warn).toEqual(['Environment sandbox']);
  });

  it('writes the pull-request comment in Markdown, and under Actions the summary and the step outputs', () => {
    const logger = recordingLogger();
    const github = githubFiles();
    planView({ env: github.env, logger, colors }, 'markdown').plan(plan);
    expect(logger.written.out[0]).toMatch(new RegExp(`^${PLAN_COMMENT_MARKER}\\n### cxone-exports plan`));
    expect(logger.written.out[0]).toContain('<code>b</code>');
    expect(github.summary()).toContain('### cxone-exports plan');
    expect(github.outputs()).toBe('has_changes=true\nto_submit=1\nto_forget=0\n');
  });

  it('writes every environment once (--env all), in each format', () => {
    const planned = [
      { environment: 'sandbox', plan, where: undefined },
      { environment: 'production', plan: empty, where: undefined },
    ];
    const json = recordingLogger();
    planView({ env: {}, logger: json, colors }, 'json').plans(planned);
    expect(Object.keys((JSON.parse(json.written.out[0]!) as { environments: object }).environments)).toEqual([
      'sandbox',
      'production',
    ]);
    const markdown = recordingLogger();
    planView({ env: {}, logger: markdown, colors }, 'markdown').plans(planned);
    expect(markdown.written.out[0]!.split(PLAN_COMMENT_MARKER)).toHaveLength(2);
    expect(markdown.written.out[0]).toMatch(/<b>sandbox<\/b>[\s\S]*<b>production<\/b>/);
    const human = recordingLogger();
    planView({ env: {}, logger: human, colors }, 'human').plans(planned);
    expect(human.written.out[0]).toMatch(
      /Environment sandbox\n\ncxone-exports will perform[\s\S]*Environment production\n\nNo changes/,
    );
  });

  it('says how to apply a saved plan: on the terminal beside a human plan, on stderr beside JSON', () => {
    const human = recordingLogger();
    planView({ env: {}, logger: human, colors }, 'human').saved('p.json', 'sandbox');
    expect(human.written.info).toEqual([
      '\nSaved the plan to p.json. Apply exactly this plan with: cxone-exports --env sandbox apply p.json',
    ]);
    const json = recordingLogger();
    planView({ env: {}, logger: json, colors }, 'json').saved('p.json', undefined);
    expect(json.written.warn).toEqual([
      'Saved the plan to p.json. Apply exactly this plan with: cxone-exports apply p.json',
    ]);
  });
});

describe('the validate view', () => {
  const problem: Diagnostic = {
    file: 'exports/a.yaml',
    line: 3,
    column: 5,
    export: 'a',
    message: 'bad',
    rule: 'unique-name',
  };
  const warning: Diagnostic = { ...problem, line: 9, message: 'odd', rule: 'max-rows-range' };

  it('lists problems and warnings for a person, with a summary', () => {
    const logger = recordingLogger();
    validateView({ env: {}, logger, colors }, 'human').problems([problem], [warning]);
    expect(logger.written.out[0]).toBe(
      'exports/a.yaml\n  3:5     error  a: bad  unique-name\n\nexports/a.yaml\n  9:5     warning  a: odd  max-rows-range\n\n✖ 1 problem in 1 file. Fix them and run `cxone-exports validate` again.',
    );
  });

  it('writes JSON rows with their severity, and GitHub annotations', () => {
    const json = recordingLogger();
    validateView({ env: {}, logger: json, colors }, 'json').problems([problem], [warning]);
    expect((JSON.parse(json.written.out[0]!) as { severity: string }[]).map((row) => row.severity)).toEqual([
      'error',
      'warning',
    ]);
    const github = recordingLogger();
    validateView({ env: {}, logger: github, colors }, 'github').valid(1, 1, [warning]);
    expect(github.written.out[0]).toBe(
      '::warning file=exports/a.yaml,line=9,col=5,title=cxone-exports max-rows-range::a: odd\n',
    );
    // Inside Actions, annotations are the default.
    expect(validateView({ env: { GITHUB_ACTIONS: 'true' }, logger: github, colors }, undefined).format).toBe('github');
  });

  it('stands in for the plan comment in Markdown, valid or not', () => {
    const failed = recordingLogger();
    validateView({ env: {}, logger: failed, colors }, 'markdown').problems([problem]);
    expect(failed.written.out[0]).toContain('**Validation failed: 1 problem in 1 file, so nothing was planned.**');
    const valid = recordingLogger();
    validateView({ env: {}, logger: valid, colors }, 'markdown').valid(2, 1, [warning]);
    expect(valid.written.out[0]).toContain('✔ 2 export definitions are valid, with 1 warning.');
    expect(valid.written.out[0]).toContain('- `exports/a.yaml:9` `a`: odd (`max-rows-range`)');
  });
});

describe('the state views', () => {
  const state = stateWith({ a: appliedEntry(a) });

  it('list the exports as a table or as JSON', () => {
    const human = recordingLogger();
    showStateList({ logger: human, colors }, state, { json: false });
    expect(human.written.out[0]).toBe(
      'NAME  LAST ACTION  STATUS     WHEN\na     submitted    completed  2026-11-27T10:04:10.000Z',
    );
    const json = recordingLogger();
    showStateList({ logger: json, colors }, state, { json: true });
    expect(JSON.parse(json.written.out[0]!)).toEqual([
      { name: 'a', lastAction: 'submitted', status: 'completed', when: '2026-11-27T10:04:10.000Z' },
    ]);
    const none = recordingLogger();
    showStateList({ logger: none, colors }, stateWith({}), { json: false });
    expect(none.written.out[0]).toBe('The state holds no exports yet. `cxone-exports apply` records them.');
  });

  it('show one entry for a person, or whole as JSON', () => {
    const human = recordingLogger();
    showStateEntry({ logger: human, colors }, 'a', state.exports.a!, { json: false });
    expect(human.written.out.join('\n')).toContain(a.definitionHash);
    const json = recordingLogger();
    showStateEntry({ logger: json, colors }, 'a', state.exports.a!, { json: true });
    expect(JSON.parse(json.written.out[0]!)).toMatchObject({ name: 'a', definitionHash: a.definitionHash });
  });

  it('say what rm, unlock, migrate and merge did, and list the files to commit one a line', () => {
    const logger = recordingLogger();
    showRemoved({ logger }, { name: 'a', serialBefore: 4, serialAfter: 5 });
    showReleased({ logger }, {
      id: 'lock-1',
      operation: 'apply',
      who: 'ci@runner',
      pid: 42,
      created: '2026-12-02T10:00:00.000Z',
    } as Parameters<typeof showReleased>[1]);
    const moved = { outcome: 'imported', target: 'pg db', lineage: 'l', serial: 3, exports: 2, events: 9, badLines: 1 };
    showMigrated({ logger }, moved as Parameters<typeof showMigrated>[1], {
      location: '.cxone-exports',
      eventsLocation: '.cxone-exports/audit.jsonl',
    });
    showMigrated(
      { logger },
      { ...moved, outcome: 'already', badLines: 0 },
      {
        location: '.cxone-exports',
        eventsLocation: '.cxone-exports/audit.jsonl',
      },
    );
    showMerged({ logger }, state);
    showCommitFiles({ logger }, ['.cxone-exports/state.json', '.cxone-exports/audit.jsonl']);
    expect(logger.written.info).toEqual([
      'Removed a from the state (serial 4 → 5). CXone was not called; the next plan shows it as create if it is still defined.',
      'Released lock lock-1, held by apply (ci@runner, pid 42) since 2026-12-02T10:00:00.000Z.',
      'Moved 2 exports and 9 audit events from .cxone-exports to pg db (lineage l, serial 3). The local files are no longer read; keep them as an archive or remove them.',
      'Nothing to do: pg db holds this state already (lineage l, serial 3).',
      `Merged the two states: 1 exports, serial ${state.serial}.`,
    ]);
    expect(logger.written.warn).toEqual([
      'Warning: 1 lines of .cxone-exports/audit.jsonl are not events; they were not moved.',
    ]);
    expect(logger.written.out).toEqual(['.cxone-exports/state.json', '.cxone-exports/audit.jsonl']);
  });
});
