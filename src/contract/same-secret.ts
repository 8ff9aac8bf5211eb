import { crypto } from '../on-first-use.js';
// Comparing a secret someone sent with the one expected (an HMAC, a token), in constant time: how long it takes
// says nothing about how much of it matched.

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare equal lengths only, in constant time; a length mismatch still costs one comparison.
  return a.length === b.length ? crypto().timingSafeEqual(a, b) : (crypto().timingSafeEqual(b, b), false);
}
