// Where a plain-http callback URL really leads. A host's name says nothing certain: `anything.localhost` or a
// name in /etc/hosts may resolve off this machine. So plain http is allowed only when every address the name
// resolves to is a loopback one, and the sender connects to the address it checked (no second look-up that a
// changing DNS answer could turn elsewhere).

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface LoopbackTarget {
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) return address === '::1' || /^::ffff:127\./i.test(address);
  return false;
}

/** The loopback address a host name leads to, or why it does not lead only to this machine. */
export async function resolveLoopbackHost(hostname: string): Promise<LoopbackTarget | { problem: string }> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  if (literal !== 0)
    return isLoopbackAddress(host)
      ? { address: host, family: literal as 4 | 6 }
      : { problem: `${host} is not a loopback address` };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    return { problem: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const elsewhere = addresses.find((a) => !isLoopbackAddress(a.address));
  if (elsewhere !== undefined || addresses.length === 0)
    return { problem: `${host} resolves to ${elsewhere?.address ?? 'nothing'}, which is not this machine` };
  return { address: addresses[0]!.address, family: addresses[0]!.family as 4 | 6 };
}

/**
 * Plain-http callback URLs whose host does not lead only to this machine, with the exports that use each and
 * why. The URL check of validate passes loopback names (`localhost`, `*.localhost`) by their name; apply checks
 * where they resolve before CXone is told to post there in clear text.
 */
export async function plainHttpCallbacksOffMachine(
  definitions: readonly { name: string; spec: { callbackUrl?: string } }[],
): Promise<Map<string, { names: string[]; problem: string }>> {
  const byUrl = new Map<string, string[]>();
  for (const { name, spec } of definitions) {
    const url = spec.callbackUrl;
    if (url === undefined || !url.toLowerCase().startsWith('http:')) continue;
    byUrl.set(url, [...(byUrl.get(url) ?? []), name]);
  }
  const found = new Map<string, { names: string[]; problem: string }>();
  for (const [url, names] of byUrl) {
    const resolved = await resolveLoopbackHost(new URL(url).hostname);
    if ('problem' in resolved) found.set(url, { names, problem: resolved.problem });
  }
  return found;
}
