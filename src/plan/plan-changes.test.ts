import { describe, expect, it } from 'vitest';
import { appliedEntry, definition, execution, stateWith } from '../../test/support/state-builders.js';
import { UsageError } from '../errors.js';
import { planChanges } from './plan-changes.js';

const createdAt = '2026-11-27T12:00:00.000Z';
const plan = (
  defs: Parameters<typeof planChanges>[0],
  state: Parameters<typeof planChanges>[1],
  options: { targets?: string[]; replace?: string[] } = {},
) => planChanges(defs, state, { createdAt, ...options });
const actions = (p: ReturnType<typeof plan>) => p.changes.map((c) => [c.name, c.action, c.reason]);

describe('planChanges', () => {
  const a = definition('a');

  it.each([
    ['a new definition', [a], {}, ['a', 'create', 'new']],
    ['an unchanged definition', [a], { a: appliedEntry(a) }, ['a', 'no-op', 'unchanged']],
    [
      'a changed definition',
      [definition('a', ['maxRows: 2000'])],
      { a: appliedEntry(a) },
      ['a', 'update', 'definition-changed'],
    ],
    [
      'a failed last execution',
      [a],
      { a: appliedEntry(a, { lastExecution: execution('failed') }) },
      ['a', 'retry', 'last-execution-failed'],
    ],
    [
      'a failed submission',
      [a],
      { a: appliedEntry(a, { lastExecution: execution('submit-failed') }) },
      ['a', 'retry', 'last-execution-failed'],
    ],
    [
      'an intent with no result',
      [a],
      {
        a: appliedEntry(a, {
          lastExecution: null,
          pending: { idempotencyKey: 'key-1', definitionHash: a.definitionHash, startedAt: createdAt },
        }),
      },
      ['a', 'resubmit', 'outcome-unknown'],
    ],
    ['a removed definition', [], { a: appliedEntry(a) }, ['a', 'forget', 'removed-from-files']],
    [
      'a running execution',
      [a],
      { a: appliedEntry(a, { lastExecution: execution('running') }) },
      ['a', 'no-op', 'unchanged'],
    ],
    [
      'a cancelled execution',
      [a],
      { a: appliedEntry(a, { lastExecution: execution('cancelled') }) },
      ['a', 'no-op', 'unchanged'],
    ],
  ] as const)('plans %s', (_name, defs, entries, expected) => {
    expect(actions(plan([...defs], stateWith({ ...entries })))).toEqual([expected]);
  });

  it('holds back what the environment it is promoted from has not completed, unless that one lacks it', () => {
    const b = definition('b');
    const only = definition('production-only');
    const promotion = (ignore: boolean) => ({
      from: 'sandbox',
      promoted: new Set(['a']),
      defined: new Set(['a', 'b']),
      specs: new Map([
        ['a', a.spec],
        ['b', definition('b').spec],
      ]),
      ignore,
    });
    const gated = planChanges([a, b, only], stateWith({}), { createdAt, promotion: promotion(false) });
    expect(actions(gated)).toEqual([
      ['a', 'create', 'new'],
      ['b', 'blocked', 'not-promoted'],
      ['production-only', 'create', 'new'],
    ]);
    // Issue 22, point 3: an export sandbox does not define was held back forever; now it says why it is not.
    expect(gated.changes[2]).toMatchObject({ promotionNotNeeded: { environment: 'sandbox' } });
    expect(gated.changes[1]).toMatchObject({ blockedBy: { environment: 'sandbox', wouldBe: 'create' } });
    expect(gated.summary).toMatchObject({ create: 2, blocked: 1 });
    const ignored = planChanges([a, b, only], stateWith({}), { createdAt, promotion: promotion(true) });
    expect(ignored.changes.map((c) => c.promotionIgnored)).toEqual([undefined, true, undefined]);
  });

  it('treats a metadata-only change as no execution, but shows it', () => {
    const edited = definition('a', ['maxRows: 1000'], ['description: now documented']);
    const result = plan([edited], stateWith({ a: appliedEntry(a) }));
    expect(actions(result)).toEqual([['a', 'no-op', 'metadata-changed']]);
    expect(result.changes[0]!.fieldChanges).toEqual([
      { path: 'metadata.description', before: null, after: 'now documented' },
    ]);
    expect(result.summary).toMatchObject({ noop: 1, update: 0 });
  });

  it('plans a renamed export as forget plus create', () => {
    expect(actions(plan([definition('b')], stateWith({ a: appliedEntry(a) })))).toEqual([
      ['a', 'forget', 'removed-from-files'],
      ['b', 'create', 'new'],
    ]);
  });

  it('resubmits with the key of the unknown attempt', () => {
    const result = plan(
      [a],
      stateWith({
        a: appliedEntry(a, {
          pending: { idempotencyKey: 'key-7', definitionHash: a.definitionHash, startedAt: createdAt },
        }),
      }),
    );
    expect(result.changes[0]).toMatchObject({ action: 'resubmit', idempotencyKey: 'key-7' });
  });

  it('submits a new version under a fresh key when the definition moved on past an unknown attempt', () => {
    const result = plan(
      [definition('a', ['maxRows: 5'])],
      stateWith({
        a: appliedEntry(a, {
          pending: { idempotencyKey: 'key-7', definitionHash: a.definitionHash, startedAt: createdAt },
        }),
      }),
    );
    expect(result.changes[0]).toMatchObject({ action: 'update', reason: 'definition-changed' });
    expect(result.changes[0]!.idempotencyKey).toBeUndefined();
  });

  it('shows field-level changes on normalized values', () => {
    const result = plan([definition('a', ['delimiter: tab', 'maxRows: 1000'])], stateWith({ a: appliedEntry(a) }));
    expect(result.changes[0]!.fieldChanges).toEqual([{ path: 'spec.format.delimiter', before: ',', after: '\t' }]);
    expect(JSON.stringify(result.changes[0]!.fieldChanges)).toContain('"after":"\\t"');
  });

  it('limits the plan to --target names and globs', () => {
    const defs = [definition('billing-a'), definition('billing-b'), definition('wfm')];
    expect(actions(plan(defs, stateWith({}), { targets: ['billing-*'] })).map((c) => c[0])).toEqual([
      'billing-a',
      'billing-b',
    ]);
    expect(actions(plan(defs, stateWith({ gone: appliedEntry(definition('gone')) }), { targets: ['gone'] }))).toEqual([
      ['gone', 'forget', 'removed-from-files'],
    ]);
  });

  it('refuses --target and --replace names that match nothing, suggesting the closest', () => {
    expect(() => plan([definition('billing-a')], stateWith({}), { targets: ['biling-a'] })).toThrow(UsageError);
    expect(() => plan([definition('billing-a')], stateWith({}), { targets: ['biling-a'] })).toThrow(
      '--target matches no export: biling-a (did you mean billing-a?)',
    );
    expect(() => plan([definition('billing-a')], stateWith({}), { replace: ['nope'] })).toThrow(
      '--replace matches no export: nope',
    );
  });

  it('turns a no-op into a submission with --replace', () => {
    expect(actions(plan([a], stateWith({ a: appliedEntry(a) }), { replace: ['a'] }))).toEqual([
      ['a', 'update', 'replaced'],
    ]);
  });

  it('counts every action in the summary', () => {
    const b = definition('b');
    const result = plan(
      [definition('a', ['maxRows: 5']), b, definition('c')],
      stateWith({ a: appliedEntry(a), b: appliedEntry(b), d: appliedEntry(definition('d')) }),
    );
    expect(result.summary).toEqual({ create: 1, update: 1, retry: 0, resubmit: 0, run: 0, forget: 1, noop: 1 });
  });

  it('is deterministic: the same inputs give byte-identical JSON, in name order', () => {
    const defs = [definition('zeta'), definition('alpha', ['maxRows: 7']), definition('mid')];
    const state = stateWith({ mid: appliedEntry(definition('mid')), alpha: appliedEntry(definition('alpha')) });
    const first = JSON.stringify(plan(defs, state));
    expect(JSON.stringify(plan([...defs].reverse(), state))).toBe(first);
    expect((JSON.parse(first) as { changes: { name: string }[] }).changes.map((c) => c.name)).toEqual([
      'alpha',
      'mid',
      'zeta',
    ]);
  });

  it('records the state it was made against', () => {
    expect(plan([a], stateWith({}, 41, 'lin-9'))).toMatchObject({
      formatVersion: '1.0',
      createdAt,
      lineage: 'lin-9',
      serial: 41,
    });
  });
});
