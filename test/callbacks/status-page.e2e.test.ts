// The status page `serve` answers at `/` (issue 39, the server side): every export with what `status --json` says
// of it, a stale one marked in words, each linked to its page, which names its last execution; read-only, with
// headers that forbid framing and other origins. Over HTTP here; the browser test is still to come.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { freePort, startServe } from '../support/serve-process.js';
import { threeExports } from './status-page-fixture.js';

describe('the status page', () => {
  it('lists a completed, a failed and a stale export as status --json says, each linked to its page', async () => {
    const { dir, status } = await threeExports();
    const port = await freePort();
    const serve = await startServe(dir, port);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      for (const row of status) {
        expect(html).toContain(`<a href="/exports/${row.name}">${row.name}</a>`);
      }
      expect(html).toMatch(/<a href="\/exports\/good">good<\/a><small>team=wfm<\/small><\/th><td>completed</);
      expect(html).toMatch(/<a href="\/exports\/bad">bad<\/a><\/th><td class="bad">failed</);
      expect(status.find((e) => e.name === 'daily')!.schedule!.stale).toBe(true);
      expect(html).toMatch(/<a href="\/exports\/daily">daily<\/a><\/th><td class="bad">stale \(completed\)</);
      // Nothing from another origin: the only stylesheet is serve's own.
      expect(html.match(/(?:href|src)="([^"]+)"/g)!.every((attr) => attr.includes('="/'))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/status.css`)).headers.get('content-type')).toBe(
        'text/css; charset=utf-8',
      );

      const bad = status.find((e) => e.name === 'bad')!;
      const page = await (await fetch(`http://127.0.0.1:${port}/exports/bad`)).text();
      expect(page).toContain(`<dt>Last execution</dt><dd>${bad.executionId}</dd>`);
      expect(page).toContain(`<th scope="row">${bad.executionId}</th><td class="bad">failed</td>`);
      expect((await fetch(`http://127.0.0.1:${port}/exports/nothing`)).status).toBe(404);

      for (const method of ['POST', 'DELETE', 'PUT']) {
        const refused = await fetch(`http://127.0.0.1:${port}/`, { method });
        expect(refused.status, method).toBe(405);
        expect(refused.headers.get('allow')).toBe('GET, HEAD');
      }
      expect((await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
  });

  it('beyond loopback, asks a browser for the token, or serves anyone only when made public', async () => {
    const { dir } = await threeExports();
    const port = await freePort();
    const guarded = await startServe(dir, port, { CXONE_METRICS_TOKEN: 'metrics-token-1' }, ['--host', '0.0.0.0']);
    try {
      const asked = await fetch(`http://127.0.0.1:${port}/`);
      expect(asked.status).toBe(401);
      expect(asked.headers.get('www-authenticate')).toBe('Basic realm="cxone-exports status", charset="UTF-8"');
      const basic = Buffer.from('anyone:metrics-token-1').toString('base64');
      expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { Authorization: `Basic ${basic}` } })).status).toBe(
        200,
      );
      const wrong = Buffer.from('anyone:guess').toString('base64');
      expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { Authorization: `Basic ${wrong}` } })).status).toBe(
        401,
      );
    } finally {
      guarded.kill('SIGTERM');
      await once(guarded, 'exit');
    }
    const open = await startServe(dir, port, {}, ['--host', '0.0.0.0', '--public-status-page']);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      // Made public, the page is; /metrics is not.
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    } finally {
      open.kill('SIGTERM');
      await once(open, 'exit');
    }
  });
});
