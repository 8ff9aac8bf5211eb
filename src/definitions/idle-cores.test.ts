import { describe, expect, it } from 'vitest';
import { idleCores } from './idle-cores.js';

describe('idle cores', () => {
  it("counts the cores no other process's runnable thread holds", () => {
    expect(idleCores(2, '0.10 0.20 0.30 1/345 999\n', 1)).toBe(2);
    expect(idleCores(2, '1.00 1.00 1.00 2/345 999\n', 1)).toBe(1);
    // This process's own runnable threads (V8's collector, say) are not another's work.
    expect(idleCores(2, '1.00 1.00 1.00 3/345 999\n', 3)).toBe(2);
    expect(idleCores(8, '3.00 2.00 1.00 4/345 999\n', 1)).toBe(5);
  });

  it('never goes below one thread, and counts every core where the system does not say', () => {
    expect(idleCores(2, '4.00 4.00 4.00 9/345 999\n', 1)).toBe(1);
    expect(idleCores(4, undefined, 1)).toBe(4);
    expect(idleCores(4, 'garbage', 1)).toBe(4);
  });
});
