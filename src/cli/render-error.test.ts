import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { registerSecret } from '../redaction.js';
import { renderError } from './render-error.js';

describe('renderError', () => {
  it('keeps registered secrets out of every kind of error, stack traces included', () => {
    registerSecret('render-error-secret-123');
    const internal = renderError(new Error('boom with render-error-secret-123'), { colorFlag: false });
    const usage = renderError(new UsageError('bad render-error-secret-123', { hint: 'see render-error-secret-123' }), {
      colorFlag: false,
    });
    for (const text of [internal, usage]) {
      expect(text).not.toContain('render-error-secret-123');
      expect(text).toContain('[REDACTED]');
    }
    expect(internal).toContain('Internal error:');
  });
});
