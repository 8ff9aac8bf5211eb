import { describe, expect, it } from 'vitest';
import { checkDefinitionFiles } from '../definitions/check-definitions.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import type { ExportState } from '../state/state-model.js';
import { appliedEntry, execution, stateWith } from '../../test/support/state-builders.js';
import { definitionYaml, testConfig } from '../../test/support/fixtures.js';
import { planChanges } from './plan-changes.js';
import type { PlannedChange } from './plan-model.js';

/** A definition with `scheduleLines` under spec (and `extra` spec lines), through the real checks. */
function scheduled(scheduleLines: string[], extra: string[] = [], maxRows = 1000): ExportDefinition {
  const text = definitionYaml(
    'daily',
    [`maxRows: ${maxRows}`],
    ['schedule:', ...scheduleLines.map((line) => `  ${line}`), ...extra],
  );
  const set = checkDefinitionFiles([{ file: 'exports/daily.yaml', text }], testConfig());
  if (set.diagnostics.length > 0) throw new Error(JSON.stringify(set.diagnostics));
  return set.definitions[0]!;
}

const DAILY = ['cron: "0 6 * * *"', 'timeZone: Europe/Berlin', 'startingDeadline: 2h'];

/** The change for `definition` planned at `at`, against an entry whose last execution is `last`. */
function planAt(definition: ExportDefinition, at: string, entry: Partial<ExportState> = {}): PlannedChange {
  // The entry as apply records it: with the applied schedule.
  const applied = { ...(definition.schedule === undefined ? {} : { schedule: definition.schedule }), ...entry };
  const state = stateWith({ daily: appliedEntry(definition, applied) });
  return planChanges([definition], state, { createdAt: '2026-11-28T12:00:00.000Z', at }).changes[0]!;
}

const completedCovering = (definition: ExportDefinition, tick: string) =>
  execution('completed', { definitionHash: definition.definitionHash, coversTick: tick });

describe('scheduled exports in a plan', () => {
  const daily = scheduled(DAILY);

  it('run a tick no submission covered, with a key that two appliers of the same tick share', () => {
    const last = completedCovering(daily, '2026-11-27T05:00:00.000Z');
    const change = planAt(daily, '2026-11-28T05:30:00.000Z', { lastExecution: last });
    expect(change).toMatchObject({
      action: 'run',
      reason: 'schedule-due',
      schedule: {
        cron: '0 6 * * *',
        timeZone: 'Europe/Berlin',
        tick: '2026-11-28T05:00:00.000Z',
        nextTick: '2026-11-29T05:00:00.000Z',
        coveredTick: '2026-11-27T05:00:00.000Z',
      },
    });
    const again = planAt(daily, '2026-11-28T05:45:00.000Z', { lastExecution: last });
    expect(again.idempotencyKey).toBe(change.idempotencyKey);
    const nextDay = planAt(daily, '2026-11-29T05:30:00.000Z', { lastExecution: last });
    expect(nextDay.idempotencyKey).not.toBe(change.idempotencyKey);
    expect(planAt(daily, '2026-11-28T04:59:00.000Z', { lastExecution: last }).action).toBe('no-op');
  });

  it('collapse missed ticks: after three days, one run for the latest', () => {
    const last = completedCovering(daily, '2026-11-25T05:00:00.000Z');
    const change = planAt(daily, '2026-11-28T06:00:00.000Z', { lastExecution: last });
    expect(change).toMatchObject({ action: 'run', schedule: { tick: '2026-11-28T05:00:00.000Z' } });
  });

  it('skip a tick older than its starting deadline, and say so once', () => {
    const last = completedCovering(daily, '2026-11-27T05:00:00.000Z');
    const late = planAt(daily, '2026-11-28T07:00:01.000Z', { lastExecution: last });
    expect(late).toMatchObject({ action: 'no-op', reason: 'deadline-passed', recordsHold: 'deadline-passed' });
    const heldTick = { tick: '2026-11-28T05:00:00.000Z', reason: 'deadline-passed' as const };
    const said = planAt(daily, '2026-11-28T09:00:00.000Z', { lastExecution: last, heldTick });
    expect(said).toMatchObject({ action: 'no-op', reason: 'deadline-passed' });
    expect(said.recordsHold).toBeUndefined();
  });

  it('hold a tick while the previous execution runs, as CronJob Forbid does', () => {
    const running = execution('running', {
      definitionHash: daily.definitionHash,
      coversTick: '2026-11-27T05:00:00.000Z',
    });
    const change = planAt(daily, '2026-11-28T05:10:00.000Z', { lastExecution: running });
    expect(change).toMatchObject({ reason: 'previous-still-running', recordsHold: 'previous-still-running' });
  });

  it('submit nothing for a suspended export, scheduled or changed', () => {
    const suspended = scheduled(DAILY, ['suspend: true'], 2000);
    const last = completedCovering(suspended, '2026-11-27T05:00:00.000Z');
    const due = planAt(suspended, '2026-11-28T05:30:00.000Z', { lastExecution: last, suspend: true });
    expect(due).toMatchObject({ action: 'no-op', reason: 'suspended' });
    expect(due.recordsHold).toBeUndefined();
    const changed = planChanges([suspended], stateWith({ daily: appliedEntry(daily, { schedule: daily.schedule }) }), {
      createdAt: '2026-11-28T05:30:00.000Z',
    }).changes[0]!;
    expect(changed).toMatchObject({ action: 'no-op', reason: 'suspended', suspendedWouldBe: 'update' });
  });

  it('let a definition change cover the current tick', () => {
    const edited = scheduled(DAILY, [], 2000);
    const state = stateWith({
      daily: appliedEntry(daily, { lastExecution: completedCovering(daily, '2026-11-27T05:00:00.000Z') }),
    });
    const change = planChanges([edited], state, { createdAt: '2026-11-28T09:00:00.000Z' }).changes[0]!;
    expect(change).toMatchObject({ action: 'update', schedule: { tick: '2026-11-28T05:00:00.000Z' } });
  });

  it('record a schedule change without an execution, and judge an old submission by when it was made', () => {
    const hourly = scheduled(['cron: "0 * * * *"']);
    // Submitted before the export had a schedule: no tick recorded, so its submission time stands in.
    const last = execution('completed', {
      definitionHash: hourly.definitionHash,
      submittedAt: '2026-11-28T10:20:00.000Z',
    });
    const change = planAt(hourly, '2026-11-28T10:40:00.000Z', { lastExecution: last, schedule: daily.schedule });
    expect(change).toMatchObject({
      action: 'no-op',
      reason: 'metadata-changed',
      schedule: { tick: '2026-11-28T10:00:00.000Z', coveredTick: '2026-11-28T10:00:00.000Z' },
    });
    expect(change.fieldChanges.map((f) => f.path)).toEqual([
      'schedule.cron',
      'schedule.startingDeadline',
      'schedule.timeZone',
    ]);
  });
});
