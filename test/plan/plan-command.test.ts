// `plan` and `state` as users run them, in process (test/support/run-command.ts): in a temporary repository,
// offline, with no credentials.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { checkDefinitionFiles } from '../../src/definitions/check-definitions.js';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import type { State } from '../../src/state/state-model.js';
import { definitionYaml, miniRepo, repoWithBundledExports, testConfig } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';
import { appliedEntry, execution } from '../support/state-builders.js';
import { seedState } from '../support/seed-state.js';

/** Records every definition of the repo as applied, as apply would. */
async function applyAllToState(dir: string, tweak: (state: State) => void = () => undefined): Promise<State> {
  const files = ['a', 'b', 'c'].map((n) => ({
    file: `exports/${n}.yaml`,
    text: readFileSync(join(dir, 'exports', `${n}.yaml`), 'utf8'),
  }));
  const { definitions } = checkDefinitionFiles(files, testConfig());
  const store = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
  const empty = (await store.read()).state;
  const state: State = { ...empty, exports: Object.fromEntries(definitions.map((d) => [d.name, appliedEntry(d)])) };
  tweak(state);
  return seedState(store, state.exports);
}

function smallRepo(): string {
  return miniRepo({
    '.git/HEAD': '',
    'exports/a.yaml': definitionYaml('a'),
    'exports/b.yaml': definitionYaml('b'),
    'exports/c.yaml': definitionYaml('c'),
  });
}

describe('cxone-exports plan', () => {
  it('plans the bundled exports/ as all create in sandbox, held back in production, offline and without credentials', async () => {
    const result = await runCommand(['--env', 'all', 'plan'], { cwd: repoWithBundledExports() });
    expect(result.code).toBe(0);
    const [sandbox, production] = result.stdout.split(/^(?=Environment production:)/m);
    expect(sandbox).toContain('Plan: 5 to submit (5 create), 0 to forget, 0 unchanged.');
    expect(sandbox).toContain('spec.datasetId                        = "ds-agent-activity-2026-sbx"');
    expect(production).toContain('Plan: 0 to submit, 0 to forget, 0 unchanged, 5 held back until promoted.');
    expect(production).toContain('spec.datasetId                        = "ds-agent-activity-2026"');
    expect(result.stdout).toContain('+ export "billing-telephony-costs"');
    expect(result.stdout).toContain('spec.format.delimiter                 = "\\t"');
  });

  it('exits 2 with --detailed-exitcode when there are changes, 0 when there are none', async () => {
    const dir = smallRepo();
    expect((await runCommand(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(2);
    await applyAllToState(dir);
    const none = await runCommand(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(none).toMatchObject({ code: 0, stdout: 'No changes. Exports match the state.\n' });
  });

  it('prints JSON that validates against schemas/plan.schema.json', async () => {
    const dir = smallRepo();
    await applyAllToState(dir, (state) => {
      state.exports.b!.lastExecution = execution('failed');
    });
    writeFileSync(join(dir, 'exports', 'a.yaml'), definitionYaml('a', ['maxRows: 77']));
    const result = await runCommand(['plan', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      changes: { name: string; action: string }[];
      summary: object;
      serial: number;
    };
    expect(schemaCheck('plan')(plan)).toEqual([]);
    expect(plan.changes.map((c) => [c.name, c.action])).toEqual([
      ['a', 'update'],
      ['b', 'retry'],
      ['c', 'no-op'],
    ]);
    expect(plan.serial).toBe(1);
  });

  it('prints markdown with the comment marker, and appends it to GITHUB_STEP_SUMMARY', async () => {
    const dir = smallRepo();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await runCommand(['plan', '--markdown'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(result.stdout.startsWith('<!-- cxone-exports-plan -->\n')).toBe(true);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${result.stdout}`);
  });

  it('hides nothing of the comment behind file names and values that look like markup, rendered as GitHub does', async () => {
    const hostile = 'aaa\n<!--\n.yaml';
    const dir = miniRepo({
      '.git/HEAD': '',
      [`exports/${hostile}`]: definitionYaml('a'),
      'exports/b.yaml': definitionYaml('b').replace('dataActionId: da-1', 'dataActionId: "da-<!--|`x`|@here"'),
      'exports/c.yaml': definitionYaml('c'),
    });
    const result = await runCommand(['plan', '--markdown'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    // GitHub renders comments as CommonMark with its table extension and raw HTML allowed.
    const html = new MarkdownIt({ html: true }).render(result.stdout);
    expect(html.startsWith('<!-- cxone-exports-plan -->\n')).toBe(true);
    const body = html.slice('<!-- cxone-exports-plan -->\n'.length);
    expect(body).not.toContain('<!--');
    const rows = body.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    // The header and a row per export, each with its six cells.
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.match(/<t[dh]>/g)).toHaveLength(6);
    expect(body).toContain('<code>exports/aaa\\n&lt;!--\\n.yaml:1</code>');
    expect(body).toContain('<code>da-&lt;!--|`x`|@here</code>');
    expect(body.match(/<details>/g)).toHaveLength(3);
    for (const name of ['a', 'b', 'c'])
      expect(body).toContain(`<summary>+ <code>${name}</code> will be created</summary>`);

    // The terminal shows the name's line breaks as escapes, not as lines.
    const human = await runCommand(['plan'], { cwd: dir });
    expect(human.stdout).toContain('exports/aaa\\n<!--\\n.yaml:1');
  });

  it('saves a plan with --out that records what apply needs, and refuses --json with --markdown', async () => {
    const dir = smallRepo();
    const result = await runCommand(['plan', '--out', 'tfplan.json'], { cwd: dir });
    expect(result.stdout).toContain(
      'Saved the plan to tfplan.json. Apply exactly this plan with: cxone-exports apply tfplan.json',
    );
    const saved = JSON.parse(readFileSync(join(dir, 'tfplan.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({
      formatVersion: '1.0',
      stateExisted: false,
      serial: 0,
      toolVersion: expect.any(String) as string,
      checksum: expect.stringMatching(/^sha256:/) as string,
    });
    expect(Object.keys(saved.definitionHashes as object)).toEqual(['a', 'b', 'c']);
    const both = await runCommand(['plan', '--json', '--markdown'], { cwd: dir });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--json and --markdown cannot be combined');
  });

  it('limits the plan with --target, and names an unknown target', async () => {
    const dir = smallRepo();
    expect((await runCommand(['plan', '--json', '--target', 'a', 'c'], { cwd: dir })).stdout).toMatch(
      /"name": "a"[\s\S]*"name": "c"/,
    );
    const unknown = await runCommand(['plan', '--target', 'bb'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--target matches no export: bb (did you mean b?)');
  });

  it('refuses to plan invalid definitions, listing every problem', async () => {
    const dir = smallRepo();
    writeFileSync(join(dir, 'exports', 'b.yaml'), definitionYaml('b', ['maxRows: 0']));
    const result = await runCommand(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exports/b.yaml\n  9:14');
    expect(result.stderr).toContain('Error: 1 problem in the export definitions; nothing was planned');
  });

  it('refuses a corrupt state, naming the backup, without a stack trace', async () => {
    const dir = smallRepo();
    mkdirSync(join(dir, '.cxone-exports'));
    writeFileSync(join(dir, '.cxone-exports', 'state.json'), '{ not json');
    const result = await runCommand(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: .cxone-exports/state.json is not valid JSON');
    expect(result.stderr).toContain('.cxone-exports/state.json.backup');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('cxone-exports state', () => {
  it('lists, shows, removes (audited) and unlocks', async () => {
    const dir = smallRepo();
    await applyAllToState(dir, (state) => {
      state.exports.c!.lastExecution = null;
      state.exports.c!.pending = {
        idempotencyKey: 'k-1',
        definitionHash: state.exports.c!.definitionHash,
        startedAt: '2026-11-27T11:00:00.000Z',
      };
    });

    const list = await runCommand(['state', 'list'], { cwd: dir });
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+LAST ACTION\s+STATUS\s+WHEN$/);
    expect(list.stdout).toMatch(/^a\s+submitted\s+completed\s+2026-11-27T10:04:10.000Z$/m);
    expect(list.stdout).toMatch(/^c\s+submit \(outcome unknown\)\s+-\s+2026-11-27T11:00:00.000Z$/m);

    const show = JSON.parse((await runCommand(['state', 'show', 'a', '--json'], { cwd: dir })).stdout) as {
      name: string;
      lastExecution: { status: string };
    };
    expect(show).toMatchObject({ name: 'a', lastExecution: { status: 'completed' } });
    expect((await runCommand(['state', 'show', 'aa'], { cwd: dir })).stderr).toContain(
      'the state has no export named aa (did you mean a?)',
    );

    const rm = await runCommand(['state', 'rm', 'b'], {
      cwd: dir,
      env: { GITHUB_ACTOR: 'octocat', GITHUB_RUN_ID: '4242' },
    });
    expect(rm).toMatchObject({ code: 0 });
    expect(rm.stdout).toContain('Removed b from the state (serial 1 → 2)');
    const events = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    expect(events).toMatchObject([{ event: 'state.forget', export: 'b', actor: 'octocat', runId: '4242' }]);
    expect(existsSync(join(dir, '.cxone-exports', 'state.json.backup'))).toBe(true);
    expect((await runCommand(['plan', '--json'], { cwd: dir })).stdout).toContain('"action": "create"');

    writeFileSync(
      join(dir, '.cxone-exports', 'state.lock'),
      JSON.stringify({
        id: 'lock-9',
        operation: 'apply',
        who: 'ci@elsewhere',
        host: 'elsewhere.invalid',
        pid: 1,
        created: '2026-11-27T00:00:00Z',
        version: '0.1.0',
      }),
    );
    const locked = await runCommand(['state', 'rm', 'a'], { cwd: dir });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('the state is locked by apply (lock lock-9, ci@elsewhere, pid 1');
    expect(locked.stderr).toContain('cxone-exports state unlock lock-9');
    expect((await runCommand(['state', 'unlock', 'lock-8'], { cwd: dir })).code).toBe(1);
    expect(await runCommand(['state', 'unlock', 'lock-9'], { cwd: dir })).toMatchObject({ code: 0 });
    expect((await runCommand(['state', 'rm', 'a'], { cwd: dir })).code).toBe(0);
  });
});
