// Where CXone may post completion callbacks: https anywhere, plain http only to this machine.

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return (
    LOOPBACK_NAMES.has(hostname.toLowerCase()) ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
    hostname.toLowerCase().endsWith('.localhost')
  );
}

/** Why a callback URL is unusable, or undefined when it is fine. */
export function callbackUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a valid URL: ${JSON.stringify(url)}`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'must not carry a user name or password: they would be committed and shown in plans; authenticate callbacks with HMAC (CXONE_CALLBACK_SECRET) or the shared token CXONE_CALLBACK_TOKEN, which apply adds to the URL it sends';
  }
  // A token in a committed file would leak into plans and state; the receiver's token comes from the environment.
  if (parsed.searchParams.has('token')) {
    return 'must not carry the callback token (?token=…): it would be committed and shown in plans; set CXONE_CALLBACK_TOKEN instead and leave it out of the URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') {
    return isLoopbackHost(parsed.hostname)
      ? undefined
      : `uses plain http to ${parsed.hostname}; use https (http is allowed only for loopback hosts such as 127.0.0.1)`;
  }
  return `must use https (or http for loopback hosts), not ${parsed.protocol.replace(/:$/, '')}`;
}

/**
 * Callback URLs that CXone cannot reach: a loopback host (this machine) while the API is a real, remote CXone.
 * Fine against the simulator on the same machine; a mistake copied from an example anywhere else.
 */
export function unreachableCallbackUrls(
  definitions: readonly { name: string; spec: { callbackUrl?: string } }[],
  apiUrl: string,
): Map<string, string[]> {
  const byUrl = new Map<string, string[]>();
  if (isLoopbackHost(hostOf(apiUrl))) return byUrl;
  // Thousands of definitions share a few URLs: each is parsed once.
  const loopback = new Map<string, boolean>();
  for (const definition of definitions) {
    const url = definition.spec.callbackUrl;
    if (url === undefined) continue;
    if (!loopback.has(url)) loopback.set(url, isLoopbackHost(hostOf(url)));
    if (!loopback.get(url)) continue;
    byUrl.set(url, [...(byUrl.get(url) ?? []), definition.name]);
  }
  return byUrl;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
