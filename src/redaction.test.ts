import { describe, expect, it } from 'vitest';
import { redactSecrets, registerSecret } from './redaction.js';

describe('redactSecrets', () => {
  it('removes registered secrets in their raw, URL- and JSON-encoded forms', () => {
    registerSecret('p@ss/w0rd+"x"');
    const text = `raw p@ss/w0rd+"x" url ${encodeURIComponent('p@ss/w0rd+"x"')} form ${new URLSearchParams({ s: 'p@ss/w0rd+"x"' }).toString()} json ${JSON.stringify({ s: 'p@ss/w0rd+"x"' })}`;
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain('w0rd');
  });

  it('removes bearer and basic credentials and token fields whatever their value', () => {
    const redacted = redactSecrets('Authorization: Bearer abc.def-ghi and Basic dXNlcjpwYXNz; {"access_token":"tok123","refresh_token":"r1"} client_secret=zzz&x=1');
    expect(redacted).toBe('Authorization: Bearer [REDACTED] and Basic [REDACTED]; {"access_token":"[REDACTED]","refresh_token":"[REDACTED]"} client_secret=[REDACTED]&x=1');
  });

  it('ignores values too short to be secrets', () => {
    registerSecret('ab');
    expect(redactSecrets('abc')).toBe('abc');
  });
});
