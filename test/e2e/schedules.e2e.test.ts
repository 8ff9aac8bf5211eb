// Recurring exports end to end: ticks through `plan --at`, and apply, status and /metrics at the instants that
// matter, each command on a clock started there (in process, clockFrom; serve as a process, libfaketime), against
// the simulator. The instants lie before today, so the simulator's own times always come after what was
// submitted.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { readState } from '../support/apply-repo.js';
import { clockAt } from '../support/libfaketime.js';
import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';
import { clockFrom } from '../support/test-clock.js';
import { freePort, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

/** A definition of `name` with the schedule's lines (and `extra` spec lines) under spec. */
function exportYaml(name: string, scheduleLines: string[], maxRows = 1000, extra: string[] = []): string {
  return definitionYaml(
    name,
    [`maxRows: ${maxRows}`],
    ['schedule:', ...scheduleLines.map((line) => `  ${line}`), ...extra],
  );
}

const DAILY = ['cron: "0 6 * * *"', 'startingDeadline: 2h'];

/** A repository with the daily export (06:00 UTC, deadline 2 h) and no state yet. */
function dailyRepo(): string {
  return miniRepo({
    '.git/HEAD': '',
    'cxone-exports.config.yaml': 'apply:\n  spacingMs: 0\n',
    'exports/daily.yaml': exportYaml('daily', DAILY),
  });
}

/** A command in `dir` on a clock started at `instant`, calling `sim`. */
function cliAt(dir: string, sim: CxoneSimulator | undefined) {
  return (instant: string, args: string[]) =>
    runCommand(args, {
      cwd: dir,
      clock: clockFrom(instant),
      env: sim === undefined ? {} : simEnvironment(sim),
    });
}

function audit(dir: string): AuditEvent[] {
  return readFileSync(join(dir, '.cxone-exports', 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditEvent);
}

interface JsonChange {
  name: string;
  action: string;
  reason: string;
  schedule?: { tick: string | null; nextTick: string | null; coveredTick: string | null };
}

async function planJson(dir: string, at: string): Promise<Map<string, JsonChange>> {
  const result = await runCommand(['plan', '--json', '--at', at], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  const plan = JSON.parse(result.stdout) as { changes: JsonChange[] };
  return new Map(plan.changes.map((change) => [change.name, change]));
}

describe('schedules', () => {
  it('validate points at a bad cron expression, an unknown time zone and a schedule too frequent', async () => {
    const dir = miniRepo({
      'exports/a.yaml': exportYaml('a', ['cron: "0 6 * *"']),
      'exports/b.yaml': exportYaml('b', ['cron: "0 6 * * *"', 'timeZone: Europe/Berln']),
      'exports/c.yaml': exportYaml('c', ['cron: "*/5 * * * *"']),
      'exports/d.yaml': exportYaml('d', ['cron: "0 6 * * *"', 'startingDeadline: soon']),
    });
    const result = await runCommand(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'exports/a.yaml\n  11:11   error  a: spec.schedule.cron "0 6 * *": it has 4 fields; cron has five fields: minute hour day-of-month month day-of-week',
    );
    expect(result.stdout).toContain(
      'b: spec.schedule.timeZone "Europe/Berln" is not an IANA time zone (did you mean Europe/Berlin?)',
    );
    expect(result.stdout).toContain(
      'c: spec.schedule.cron "*/5 * * * *" runs as often as every 5m (2026-01-01 00:00, then 2026-01-01 00:05); this project allows at most one run every 15m (limits.minScheduleInterval)',
    );
    expect(result.stdout).toMatch(
      /12:23 +error +d: spec\.schedule\.startingDeadline must be a duration above zero such as 30m/,
    );
    // A team may allow more frequent runs.
    writeFileSync(join(dir, 'cxone-exports.config.yaml'), 'limits:\n  minScheduleInterval: 5m\n');
    const allowed = await runCommand(['validate', 'exports/c.yaml'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('validate warns when both day fields are set, in every format, and the definitions stay valid', async () => {
    const dir = miniRepo({
      'exports/a.yaml': exportYaml('a', ['cron: "0 6 */2 * MON"']),
      'exports/b.yaml': exportYaml('b', ['cron: "@daily"', 'timeZone: Europe/Berlin']),
    });
    const human = await runCommand(['validate'], { cwd: dir });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      'exports/a.yaml\n  11:11   warning  a: spec.schedule.cron "0 6 */2 * MON": day-of-month "*/2" and day-of-week "MON" are both set; since day-of-month starts with *, it runs only on days that match both',
    );
    expect(human.stdout).toContain('2 export definitions in 2 files are valid, with 1 warning.');
    const json = await runCommand(['validate', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { file: 'exports/a.yaml', line: 11, export: 'a', rule: 'schedule-day-fields', severity: 'warning' },
    ]);
    const github = await runCommand(['validate', '--format', 'github'], { cwd: dir });
    expect(github.code).toBe(0);
    expect(github.stdout).toContain(
      '::warning file=exports/a.yaml,line=11,col=11,title=cxone-exports schedule-day-fields::a: spec.schedule.cron',
    );
    // The refused dialects fail, naming the construct.
    writeFileSync(join(dir, 'exports', 'b.yaml'), exportYaml('b', ['cron: "0 6 L * *"']));
    const refused = await runCommand(['validate'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'b: spec.schedule.cron "0 6 L * *": day-of-month "L": "L" (Quartz\'s and croner\'s "last") is not cron',
    );
  });

  it('plan --at finds each tick in its own time zone: daily, hourly, monthly, and across both DST changes', async () => {
    const dir = miniRepo({
      'exports/a.yaml': [
        exportYaml('daily-utc', ['cron: "0 6 * * *"']),
        exportYaml('hourly', ['cron: "0 * * * *"']),
        exportYaml('monthly', ['cron: "0 0 1 * *"']),
        exportYaml('berlin', ['cron: "30 2 * * *"', 'timeZone: Europe/Berlin']),
        exportYaml('new-york', ['cron: "30 1 * * *"', 'timeZone: America/New_York']),
        exportYaml('new-york-spring', ['cron: "30 2 * * *"', 'timeZone: America/New_York']),
      ].join('---\n'),
    });
    const ticks = async (at: string, name: string) => {
      const { tick, nextTick } = (await planJson(dir, at)).get(name)!.schedule!;
      return [tick, nextTick];
    };
    expect(await ticks('2026-11-28T05:59:59Z', 'daily-utc')).toEqual([
      '2026-11-27T06:00:00.000Z',
      '2026-11-28T06:00:00.000Z',
    ]);
    expect(await ticks('2026-11-28T10:30:00+01:00', 'hourly')).toEqual([
      '2026-11-28T09:00:00.000Z',
      '2026-11-28T10:00:00.000Z',
    ]);
    expect(await ticks('2026-11-28T12:00:00Z', 'monthly')).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    // Spring forward in Berlin (02:00 CET → 03:00 CEST): 02:30 does not exist that night; as in Vixie cron, it
    // runs at the first time after the gap, 03:00 CEST.
    expect(await ticks('2026-03-29T04:00:00Z', 'berlin')).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    // Fall back (03:00 CEST → 02:00 CET): 02:30 happens twice; it runs once, at the first.
    expect(await ticks('2026-10-25T01:45:00Z', 'berlin')).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    // New York falls back on 1 November (01:30 EDT, then 01:30 EST): once, at the first.
    expect(await ticks('2026-11-01T06:45:00Z', 'new-york')).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    // And springs forward on 8 March: 02:30 EST does not exist; it runs at 03:00 EDT.
    expect(await ticks('2026-03-08T08:00:00Z', 'new-york-spring')).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    const human = await runCommand(['plan', '--at', '2026-11-28T05:59:59Z'], { cwd: dir });
    expect(human.stdout).toContain('\nSchedules:\n');
    expect(human.stdout).toMatch(/ {2}berlin +30 2 \* \* \* +next 2026-11-29 02:30 CET \(\+01:00\)\n/);
    const bad = await runCommand(['plan', '--at', 'tomorrow'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--at "tomorrow" is not an instant with an offset');
  });

  it('plan --at collapses missed ticks into one run, skips one past its deadline, and runs nothing suspended', async () => {
    const sim = await startSimulator();
    const dir = dailyRepo();
    expect((await cliAt(dir, sim)('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    // Three days without an apply: one run, for the latest tick.
    expect((await planJson(dir, '2026-10-04T06:30:00Z')).get('daily')).toMatchObject({
      action: 'run',
      reason: 'schedule-due',
      schedule: { tick: '2026-10-04T06:00:00.000Z', coveredTick: '2026-10-01T06:00:00.000Z' },
    });
    expect((await planJson(dir, '2026-10-04T08:00:01Z')).get('daily')).toMatchObject({
      action: 'no-op',
      reason: 'deadline-passed',
    });
    const markdown = await runCommand(['plan', '--markdown', '--at', '2026-10-04T06:30:00Z'], { cwd: dir });
    expect(markdown.stdout).toContain('| ⏰ | <code>daily</code> | run | scheduled 2026-10-04 06:00 UTC |');
    expect(markdown.stdout).toContain('<details><summary>Schedules: 1 scheduled export</summary>');
    writeFileSync(join(dir, 'exports', 'daily.yaml'), exportYaml('daily', DAILY, 1000, ['suspend: true']));
    expect((await planJson(dir, '2026-10-04T06:30:00Z')).get('daily')).toMatchObject({
      action: 'no-op',
      reason: 'metadata-changed',
    });
    expect((await cliAt(dir, sim)('2026-10-04T06:30:00Z', ['apply', '--auto-approve'])).code).toBe(0);
    expect((await planJson(dir, '2026-10-04T06:31:00Z')).get('daily')).toMatchObject({
      action: 'no-op',
      reason: 'suspended',
    });
    expect(sim.record().executions).toHaveLength(1);
  });

  it('apply runs a due tick once, a second apply in the tick submits nothing, and a change covers the tick', async () => {
    const sim = await startSimulator();
    const dir = dailyRepo();
    const at = cliAt(dir, sim);
    expect((await at('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(1);

    const plan = await at('2026-10-02T06:30:00Z', ['plan']);
    expect(plan.stdout).toContain('⏰ export "daily" will run (scheduled 2026-10-02 06:00 UTC)');
    expect(plan.stdout).toContain('Plan: 1 to submit (1 run), 0 to forget, 0 unchanged.');
    const run = await at('2026-10-02T06:30:00Z', ['apply', '--auto-approve', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
    const intent = audit(dir)
      .filter((e) => e.event === 'execution.intent')
      .at(-1)!;
    expect(intent).toMatchObject({ reason: 'schedule-due', tick: '2026-10-02T06:00:00.000Z' });

    const again = await at('2026-10-02T07:45:00Z', ['apply', '--auto-approve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(sim.record().executions).toHaveLength(2);

    // A change at 10:00 submits, though the day's tick passed its deadline, and covers that tick.
    writeFileSync(join(dir, 'exports', 'daily.yaml'), exportYaml('daily', DAILY, 2000));
    expect((await at('2026-10-03T10:00:00Z', ['apply', '--auto-approve'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(3);
    expect((await readState(dir)).exports.daily!.lastExecution!.coversTick).toBe('2026-10-03T06:00:00.000Z');
    expect((await planJson(dir, '2026-10-03T10:05:00Z')).get('daily')!.action).toBe('no-op');
  });

  it('the schedule fires ticks only: a merged change waits for a reviewed apply (issue 38, point 2)', async () => {
    const sim = await startSimulator();
    const dir = miniRepo({
      '.git/HEAD': '',
      'cxone-exports.config.yaml': 'apply:\n  spacingMs: 0\n',
      'exports/daily.yaml': exportYaml('daily', DAILY),
      'exports/other.yaml': exportYaml('other', DAILY).replace('datasetId: ds-1', 'datasetId: ds-other'),
    });
    const at = cliAt(dir, sim);
    expect((await at('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
    // Merged, not yet applied (the apply workflow waits for a reviewer): a change to other, a new export.
    writeFileSync(join(dir, 'exports', 'other.yaml'), exportYaml('other', DAILY, 5000).replace('ds-1', 'ds-other'));
    writeFileSync(join(dir, 'exports', 'added.yaml'), exportYaml('added', DAILY).replace('ds-1', 'ds-added'));

    const schedule = await at('2026-10-02T06:30:00Z', ['apply', '--auto-approve', '--schedule-only']);
    expect(schedule.code, schedule.stderr).toBe(0);
    // Only daily's tick: before, the schedule sent other's change and created added, unreviewed.
    expect(sim.record().executions.map((e) => e.datasetId)).toEqual(['ds-1', 'ds-other', 'ds-1']);
    expect(schedule.stdout).toContain('# added will be held back (waits for a reviewed apply: it would be created');
    expect(schedule.stdout).toContain('# other will be held back (waits for a reviewed apply: it would be updated');
    expect(schedule.stdout).toContain(
      'Plan: 1 to submit (1 run), 0 to forget, 0 unchanged, 2 waiting for a reviewed apply.',
    );
    const state = await readState(dir);
    expect(state.exports.other!.spec.format.maxRows).toBe(1000);
    expect(state.exports.added).toBeUndefined();

    // In the same tick, nothing is due: the schedule says what waits, and sends nothing.
    const again = await at('2026-10-02T06:40:00Z', ['apply', '--auto-approve', '--schedule-only']);
    expect(again.stdout).toContain(
      'Nothing due. 2 changes wait for a reviewed apply, which the schedule does not make: added, other.',
    );
    expect(sim.record().executions).toHaveLength(3);
    // The reviewed apply sends them.
    expect((await at('2026-10-02T06:45:00Z', ['apply', '--auto-approve'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(5);
  });

  it('skips a tick past its starting deadline, and holds one while the previous execution runs, each said once', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 3_600_000, msPerMillionRows: 0, failureRate: 0 } });
    const dir = dailyRepo();
    const at = cliAt(dir, sim);
    expect((await at('2026-10-01T07:00:00Z', ['apply', '--auto-approve'])).code).toBe(0);
    const [first] = sim.record().executions;

    // The next day's tick, while the first execution still runs: held, and audited once.
    for (const instant of ['2026-10-02T06:10:00Z', '2026-10-02T06:20:00Z']) {
      const held = await at(instant, ['apply', '--auto-approve']);
      expect(held.code, held.stderr).toBe(0);
    }
    expect(sim.record().executions).toHaveLength(1);
    const holds = () => audit(dir).filter((e) => e.event === 'schedule.held');
    expect(holds()).toEqual([
      expect.objectContaining({ reason: 'previous-still-running', tick: '2026-10-02T06:00:00.000Z' }),
    ]);
    expect((await at('2026-10-02T06:25:00Z', ['plan'])).stdout).toContain(
      'the previous execution is still running, so this tick waits for it to end',
    );

    // It ends; the tick is still within its deadline, so it runs.
    sim.finishExecution(first!.executionId);
    expect((await at('2026-10-02T06:30:00Z', ['refresh'])).code).toBe(0);
    expect((await at('2026-10-02T06:31:00Z', ['apply', '--auto-approve'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(2);

    // That one runs past the next tick's deadline: the tick is skipped, said once.
    sim.finishExecution(sim.record().executions[1]!.executionId);
    expect((await at('2026-10-03T09:00:00Z', ['refresh'])).code).toBe(0);
    for (const instant of ['2026-10-03T09:01:00Z', '2026-10-03T09:30:00Z'])
      expect((await at(instant, ['apply', '--auto-approve'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
    expect(holds().map((e) => [e.reason, e.tick])).toEqual([
      ['previous-still-running', '2026-10-02T06:00:00.000Z'],
      ['deadline-passed', '2026-10-03T06:00:00.000Z'],
    ]);
  });

  it('two applies from two copies of the state, in the same tick, make one execution', async () => {
    const sim = await startSimulator();
    const first = dailyRepo();
    expect((await cliAt(first, sim)('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    const second = miniRepo({});
    cpSync(first, second, { recursive: true });
    const [a, b] = await Promise.all([
      cliAt(first, sim)('2026-10-02T06:30:00Z', ['apply', '--auto-approve']),
      cliAt(second, sim)('2026-10-02T06:40:00Z', ['apply', '--auto-approve']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(sim.record().executions).toHaveLength(2);
    const ids = await Promise.all([first, second].map(async (d) => (await readState(d)).exports.daily!.lastExecution));
    expect(ids[0]!.executionId).toBe(ids[1]!.executionId);
    expect(ids[0]!.idempotencyKey).toBe(ids[1]!.idempotencyKey);
  });

  it('refuses a saved plan whose scheduled runs are no longer, or newly, due', async () => {
    const sim = await startSimulator();
    const dir = dailyRepo();
    const at = cliAt(dir, sim);
    expect((await at('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    expect((await at('2026-10-02T05:30:00Z', ['plan', '--out', 'early.json'])).code).toBe(0);
    const early = await at('2026-10-02T06:30:00Z', ['apply', 'early.json', '--auto-approve']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('export daily became due since (tick 2026-10-02T06:00:00.000Z)');
    expect((await at('2026-10-02T06:30:00Z', ['plan', '--out', 'due.json'])).code).toBe(0);
    const late = await at('2026-10-03T06:30:00Z', ['apply', 'due.json', '--auto-approve']);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(
      'export daily is now due for the tick 2026-10-03T06:00:00.000Z, not 2026-10-02T06:00:00.000Z',
    );
    expect(sim.record().executions).toHaveLength(1);
    expect((await at('2026-10-02T06:31:00Z', ['apply', 'due.json', '--auto-approve'])).code).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
  });

  it('status and /metrics turn stale when a tick goes without a completed run, and fresh again', async () => {
    const sim = await startSimulator();
    const dir = dailyRepo();
    const at = cliAt(dir, sim);
    expect((await at('2026-10-01T07:00:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    const status = async (instant: string) => {
      const json = JSON.parse((await at(instant, ['status', '--json'])).stdout) as {
        exports: { name: string; schedule?: { stale: boolean; coveredTick: string; nextTick: string } }[];
      };
      return json.exports[0]!.schedule!;
    };
    // The next tick's run may take until 06:00 + 2 h deadline + 1 h grace.
    expect(await status('2026-10-02T08:59:00Z')).toMatchObject({
      stale: false,
      coveredTick: '2026-10-01T06:00:00.000Z',
      nextTick: '2026-10-03T06:00:00.000Z',
    });
    expect((await status('2026-10-02T09:30:00Z')).stale).toBe(true);
    const human = await at('2026-10-02T09:30:00Z', ['status']);
    expect(human.stdout).toMatch(/daily +0 6 \* \* \* +2026-10-01 06:00 UTC +2026-10-03 06:00 UTC +\S+ +stale/);

    const port = await freePort();
    const serve = await startServe(dir, port, clockAt('2026-10-02T09:30:00Z').env);
    const gauge = async (name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(new RegExp(`^${name}\\{export="daily",environment="default"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    expect(await gauge('cxone_exports_stale')).toBe(1);
    expect(await gauge('cxone_exports_next_run_timestamp_seconds')).toBe(Date.parse('2026-10-03T06:00:00Z') / 1000);

    // A change covers the day's tick; once it completes, the export is fresh again.
    writeFileSync(join(dir, 'exports', 'daily.yaml'), exportYaml('daily', DAILY, 2000));
    expect((await at('2026-10-02T09:40:00Z', ['apply', '--auto-approve', '--wait'])).code).toBe(0);
    expect((await status('2026-10-02T09:45:00Z')).stale).toBe(false);
    expect(await gauge('cxone_exports_stale')).toBe(0);
    const completedAt = (await readState(dir)).exports.daily!.lastCompleted!.completedAt;
    expect(await gauge('cxone_exports_last_success_timestamp_seconds')).toBe(Date.parse(completedAt) / 1000);
    serve.kill('SIGTERM');
  });
});
