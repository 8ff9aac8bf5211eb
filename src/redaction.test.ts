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
    const redacted = redactSecrets(
      'Authorization: Bearer abc.def-ghi and Basic dXNlcjpwYXNz; {"access_token":"tok123","refresh_token":"r1"} client_secret=zzz&x=1',
    );
    expect(redacted).toBe(
      'Authorization: Bearer [REDACTED] and Basic [REDACTED]; {"access_token":"[REDACTED]","refresh_token":"[REDACTED]"} client_secret=[REDACTED]&x=1',
    );
  });

  it('ignores values too short to be secrets', () => {
    registerSecret('ab');
    expect(redactSecrets('abc')).toBe('abc');
  });

  it('removes a secret echoed in base64 (at any alignment, inside a longer value), base64url or hex', () => {
    const secret = 'cs-9f8e7d6c5b4a39281706f5e4';
    registerSecret(secret);
    for (const prefix of ['', 'a', 'ab', 'client-id:', 'client-id-x:']) {
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        const echoed = Buffer.from(`${prefix}${secret}&grant_type=client_credentials`).toString(encoding);
        const redacted = redactSecrets(`invalid_client: could not verify ${echoed}`);
        // Whatever encoded text is left cannot be decoded back into a telling piece of the secret.
        for (const run of redacted.match(/[A-Za-z0-9+/_-]{4,}/g) ?? []) {
          const decoded = Buffer.from(run, encoding === 'hex' ? 'hex' : 'base64').toString('latin1');
          for (let i = 0; i + 6 <= secret.length; i++) expect(decoded).not.toContain(secret.slice(i, i + 6));
        }
      }
    }
  });

  it('leaves help text that names the token parameter whole', () => {
    const help = 'Set CXONE_CALLBACK_TOKEN (?token=), listen on 127.0.0.1, or add ?token=… to the URL.';
    expect(redactSecrets(help)).toBe(help);
    expect(redactSecrets('GET /cb?token=tok-9f8e7d&x=1')).toBe('GET /cb?token=[REDACTED]&x=1');
  });
});
