import { describe, expect, it } from 'vitest';
import { actionReference } from './action-reference.js';

describe('the Action an exports repository uses', () => {
  it('is the tool repository at the major version tag', () => {
    const repository = { type: 'git', url: 'git+https://github.com/cxone-exports/cxone-exports.git' };
    expect(actionReference({ version: '1.4.2', repository })).toBe('cxone-exports/cxone-exports@v1');
    expect(actionReference({ version: '0.2.0', repository: 'github:acme/exports-tool' })).toBe('acme/exports-tool@v0');
  });

  it('is refused, as a bug of the package, without a GitHub repository', () => {
    expect(() => actionReference({ version: '1.0.0' })).toThrow(/names no GitHub repository/);
  });
});
