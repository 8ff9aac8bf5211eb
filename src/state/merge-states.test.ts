import { describe, expect, it } from 'vitest';
import { appliedEntry, definition, execution, stateWith } from '../../test/support/state-builders.js';
import { mergeStates } from './merge-states.js';

const a = definition('a');
const b = definition('b');
const at = (time: string) => execution('queued', { submittedAt: time });

describe('mergeStates', () => {
  const base = stateWith(
    {
      a: appliedEntry(a, { lastExecution: at('2026-11-27T10:00:00.000Z') }),
      b: appliedEntry(b, { lastExecution: at('2026-11-27T10:00:00.000Z') }),
    },
    5,
  );

  it("keeps each side's own changes and takes a serial above both", () => {
    const ours = stateWith(
      { ...base.exports, a: appliedEntry(a, { lastExecution: at('2026-11-27T11:00:00.000Z') }) },
      6,
    );
    const theirs = stateWith(
      { ...base.exports, b: appliedEntry(b, { lastExecution: at('2026-11-27T11:05:00.000Z') }) },
      7,
    );
    const result = mergeStates(base, ours, theirs);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state.serial).toBe(8);
    expect(result.state.exports.a!.lastExecution!.submittedAt).toBe('2026-11-27T11:00:00.000Z');
    expect(result.state.exports.b!.lastExecution!.submittedAt).toBe('2026-11-27T11:05:00.000Z');
  });

  it('lets the later activity win when both changed one export', () => {
    const ours = stateWith(
      { ...base.exports, a: appliedEntry(a, { lastExecution: at('2026-11-27T12:00:00.000Z') }) },
      6,
    );
    const theirs = stateWith(
      { ...base.exports, a: appliedEntry(a, { lastExecution: at('2026-11-27T11:00:00.000Z') }) },
      6,
    );
    const result = mergeStates(base, ours, theirs);
    expect(result.ok && result.state.exports.a!.lastExecution!.submittedAt).toBe('2026-11-27T12:00:00.000Z');
  });

  it('honours a removal on one side when the other left the export alone', () => {
    const ours = stateWith({ b: base.exports.b! }, 6);
    const result = mergeStates(base, ours, base);
    expect(result.ok && Object.keys(result.state.exports)).toEqual(['b']);
  });

  it('refuses states of different lineages', () => {
    expect(mergeStates(base, base, { ...base, lineage: 'other' })).toMatchObject({ ok: false });
  });
});
