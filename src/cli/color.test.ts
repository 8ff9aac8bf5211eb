import { describe, expect, it } from 'vitest';
import { colorLevel } from './color.js';

describe('colorLevel', () => {
  const tty = { colorFlag: true, isTTY: true, env: {} };

  it('colours a terminal and nothing else by default', () => {
    expect(colorLevel(tty)).toBe(1);
    expect(colorLevel({ ...tty, isTTY: false })).toBe(0);
    expect(colorLevel({ ...tty, env: { TERM: 'dumb' } })).toBe(0);
  });

  it('honours --no-color above everything', () => {
    expect(colorLevel({ ...tty, colorFlag: false, env: { FORCE_COLOR: '3' } })).toBe(0);
  });

  it('honours NO_COLOR when set and non-empty', () => {
    expect(colorLevel({ ...tty, env: { NO_COLOR: '1' } })).toBe(0);
    expect(colorLevel({ ...tty, env: { NO_COLOR: '' } })).toBe(1);
  });

  it('honours FORCE_COLOR, even when piped', () => {
    expect(colorLevel({ ...tty, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(1);
    expect(colorLevel({ ...tty, isTTY: false, env: { FORCE_COLOR: '3' } })).toBe(3);
    expect(colorLevel({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(0);
  });
});
