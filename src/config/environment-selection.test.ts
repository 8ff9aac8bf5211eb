import { describe, expect, it } from 'vitest';
import { isSelection, selectEnvironments } from './environment-selection.js';

const NAMES = [
  'acme-sandbox',
  'acme-production',
  'globex-sandbox',
  'globex-production',
  'initech-sandbox',
  'initech-production',
];

describe('--env selection', () => {
  it('tells one name from a list, a pattern and all', () => {
    expect(isSelection('acme-sandbox')).toBe(false);
    expect(isSelection(undefined)).toBe(false);
    for (const choice of ['all', 'a,b', 'acme-*', '*-production', 'acme-?andbox', '[ag]*'])
      expect(isSelection(choice)).toBe(true);
  });

  it('selects by pattern, list and all, in the config order, each once', () => {
    expect(selectEnvironments('acme-*', NAMES)).toEqual(['acme-sandbox', 'acme-production']);
    expect(selectEnvironments('*-production', NAMES)).toEqual([
      'acme-production',
      'globex-production',
      'initech-production',
    ]);
    expect(selectEnvironments('initech-production, acme-sandbox', NAMES)).toEqual([
      'acme-sandbox',
      'initech-production',
    ]);
    expect(selectEnvironments('acme-*,acme-sandbox', NAMES)).toEqual(['acme-sandbox', 'acme-production']);
    expect(selectEnvironments('all', NAMES)).toEqual(NAMES);
  });

  it('refuses a pattern that matches nothing, or a name the config lacks, listing the environments', () => {
    expect(() => selectEnvironments('umbrella-*', NAMES)).toThrow(/--env umbrella-\* matches no environment/);
    try {
      selectEnvironments('acme-sandbx,globex-sandbox', NAMES);
      expect.unreachable('an unknown name is refused');
    } catch (error) {
      expect((error as Error).message).toContain('did you mean acme-sandbox?');
      expect((error as { hint?: string }).hint).toContain('This config defines acme-sandbox, acme-production');
    }
    expect(() => selectEnvironments(',', NAMES)).toThrow(/names no environment/);
    expect(() => selectEnvironments('all', [])).toThrow(/defines no environments/);
  });

  it('refuses a selection larger than the limit, so a typo cannot touch every tenant', () => {
    expect(selectEnvironments('acme-*', NAMES, { maxEnvironments: 2 })).toHaveLength(2);
    expect(() => selectEnvironments('*', NAMES, { maxEnvironments: 2 })).toThrow(
      /selects 6 environments, more than the 2 allowed/,
    );
  });
});
