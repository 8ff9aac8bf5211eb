import { crypto } from '../on-first-use.js';
// Callback authentication by HMAC (docs/design/cxone-contract.md §5): the sender signs "<timestamp>.<raw body>" with a
// shared secret; the receiver recomputes it over the raw bytes, compares in constant time and refuses stale timestamps.

export const TIMESTAMP_HEADER = 'x-cxone-timestamp';
export const SIGNATURE_HEADER = 'x-cxone-signature';
export const MAX_CLOCK_SKEW_SECONDS = 300;

export function signCallback(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  const mac = crypto().createHmac('sha256', secret);
  mac.update(`${timestampSeconds}.`);
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

/** True when any of `secrets` (several during a rotation) signed this body at an acceptable time. */
export function verifyCallbackSignature(
  secrets: readonly string[],
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  rawBody: Buffer,
  nowSeconds: number,
): boolean {
  if (timestampHeader === undefined || signatureHeader === undefined || !/^\d{1,12}$/.test(timestampHeader))
    return false;
  const timestamp = Number(timestampHeader);
  if (Math.abs(nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) return false;
  const given = Buffer.from(signatureHeader);
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signCallback(secret, timestamp, rawBody));
    // Every secret is compared, so the time taken does not reveal which one matched.
    if (expected.length === given.length && crypto().timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}
