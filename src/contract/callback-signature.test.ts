import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCallback, verifyCallbackSignature } from './callback-signature.js';

const body = Buffer.from('{"executionId":"e1","status":"completed"}');
const now = 1_800_000_000;

describe('callback signatures', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<raw body>"', () => {
    const expected = createHmac('sha256', 'k1').update(`${now}.${body.toString()}`).digest('hex');
    expect(signCallback('k1', now, body)).toBe(`sha256=${expected}`);
  });

  it('accepts any of several secrets, for rotation', () => {
    const signature = signCallback('new-secret', now, body);
    expect(verifyCallbackSignature(['old-secret', 'new-secret'], String(now), signature, body, now)).toBe(true);
    expect(verifyCallbackSignature(['old-secret'], String(now), signature, body, now)).toBe(false);
  });

  it('refuses a changed body, a stale or future timestamp, and missing headers', () => {
    const signature = signCallback('k', now, body);
    expect(verifyCallbackSignature(['k'], String(now), signature, Buffer.from(`${body.toString()} `), now)).toBe(false);
    expect(verifyCallbackSignature(['k'], String(now), signature, body, now + 301)).toBe(false);
    expect(verifyCallbackSignature(['k'], String(now), signature, body, now - 301)).toBe(false);
    expect(verifyCallbackSignature(['k'], String(now), signature, body, now + 300)).toBe(true);
    expect(verifyCallbackSignature(['k'], undefined, signature, body, now)).toBe(false);
    expect(verifyCallbackSignature(['k'], String(now), undefined, body, now)).toBe(false);
    expect(verifyCallbackSignature(['k'], 'yesterday', signature, body, now)).toBe(false);
  });
});
