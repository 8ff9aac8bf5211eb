// The status pages' routes on the receiver: `/`, `/exports/NAME` and `/status.css`, GET and HEAD only, each answer
// with headers that forbid framing, sniffing, referrers and any other origin. With several environments, `/`
// lists them and `?environment=NAME` picks one. Served where /metrics is, behind the same token.

import { escapeHtml, STATUS_CSS, STATUS_JS } from '../status/status-page.js';

/** One environment's pages (operations/status-pages.ts). */
export interface PageSource {
  environment: string;
  list(links: { list: string; exportHref(name: string): string }): Promise<string>;
  exportPage(name: string, links: { list: string; exportHref(name: string): string }): Promise<string | undefined>;
}

export interface PageAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** What every page answer carries: nothing may frame it, sniff it, or load from elsewhere. */
const SAFE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

const html = (status: number, body: string): PageAnswer => ({
  status,
  body,
  headers: { ...SAFE_HEADERS, 'Content-Type': 'text/html; charset=utf-8' },
});

export function isPageRoute(pathname: string): boolean {
  return (
    pathname === '/' || pathname === '/status.css' || pathname === '/status.js' || /^\/exports\/[^/]+$/.test(pathname)
  );
}

/** The answer for a page route, or undefined when `pathname` is not one. */
export async function answerPage(
  method: string,
  pathname: string,
  search: URLSearchParams,
  sources: readonly PageSource[],
): Promise<PageAnswer | undefined> {
  if (sources.length === 0 || !isPageRoute(pathname)) return undefined;
  if (method !== 'GET' && method !== 'HEAD')
    return {
      status: 405,
      body: 'The status pages are read-only: GET or HEAD.\n',
      headers: { ...SAFE_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' },
    };
  if (pathname === '/status.js')
    return {
      status: 200,
      body: STATUS_JS,
      headers: { ...SAFE_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' },
    };
  if (pathname === '/status.css')
    return { status: 200, body: STATUS_CSS, headers: { ...SAFE_HEADERS, 'Content-Type': 'text/css; charset=utf-8' } };
  const asked = search.get('environment');
  const source =
    asked === null ? (sources.length === 1 ? sources[0] : undefined) : sources.find((s) => s.environment === asked);
  const query = sources.length === 1 ? '' : `?environment=${encodeURIComponent(source?.environment ?? '')}`;
  const links = {
    list: `/${query}`,
    exportHref: (name: string) => `/exports/${encodeURIComponent(name)}${query}`,
  };
  if (source === undefined) {
    if (asked !== null) return html(404, '<!doctype html><title>Not found</title><p>No such environment.</p>\n');
    // Several environments: the first page lists them.
    const items = sources
      .map(
        (s) => `<li><a href="/?environment=${encodeURIComponent(s.environment)}">${escapeHtml(s.environment)}</a></li>`,
      )
      .join('\n');
    return html(
      200,
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>cxone-exports</title><link rel="stylesheet" href="/status.css"></head><body><main><h1>Environments</h1><ul>\n${items}\n</ul></main></body></html>\n`,
    );
  }
  if (pathname === '/') return html(200, await source.list(links));
  const name = decodeURIComponent(pathname.slice('/exports/'.length));
  const page = await source.exportPage(name, links);
  return page === undefined
    ? html(404, '<!doctype html><title>Not found</title><p>No such export in this environment.</p>\n')
    : html(200, page);
}
