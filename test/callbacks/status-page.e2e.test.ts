// The status page `serve` answers at `/` (issue 39, the server side): every export with what `status --json` says
// of it, a stale one marked in words, each linked to its page, which names its last execution; read-only, with
// headers that forbid framing and other origins. Over HTTP here; the browser test is still to come.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { definitionYaml, miniRepo } from '../support/fixtures.js';
import { runCommand } from '../support/run-command.js';
import { freePort, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';
import { clockFrom } from '../support/test-clock.js';

describe('the status page', () => {
  it('lists a completed, a failed and a stale export as status --json says, each linked to its page', async () => {
    const sim = await startSimulator({
      lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0, failingDataActions: ['da-bad'] },
    });
    const dir = miniRepo({
      'cxone-exports.config.yaml': 'apply:\n  spacingMs: 0\n',
      'exports/good.yaml': definitionYaml('good').replace('datasetId: ds-1', 'datasetId: ds-good'),
      'exports/bad.yaml': definitionYaml('bad').replace('da-1', 'da-bad').replace('ds-1', 'ds-bad'),
      'exports/daily.yaml': definitionYaml(
        'daily',
        ['maxRows: 1000'],
        ['schedule:', '  cron: "0 6 * * *"', '  startingDeadline: 2h'],
      ).replace('ds-1', 'ds-daily'),
    });
    // Applied weeks ago: the daily export has missed every tick since, so it is stale now.
    const applied = await runCommand(['apply', '--auto-approve', '--wait'], {
      cwd: dir,
      clock: clockFrom('2026-10-01T07:00:00Z'),
      env: simEnvironment(sim),
    });
    expect(applied.code).toBe(1); // bad's execution failed
    const status = JSON.parse((await runCommand(['status', '--json'], { cwd: dir })).stdout) as {
      exports: { name: string; status: string; executionId: string; schedule?: { stale: boolean } }[];
    };
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
      for (const row of status.exports) {
        expect(html).toContain(`<a href="/exports/${row.name}">${row.name}</a>`);
      }
      expect(html).toMatch(/<a href="\/exports\/good">good<\/a><\/th><td>completed</);
      expect(html).toMatch(/<a href="\/exports\/bad">bad<\/a><\/th><td class="bad">failed</);
      expect(status.exports.find((e) => e.name === 'daily')!.schedule!.stale).toBe(true);
      expect(html).toMatch(/<a href="\/exports\/daily">daily<\/a><\/th><td class="bad">stale \(completed\)</);
      // Nothing from another origin: the only stylesheet is serve's own.
      expect(html.match(/(?:href|src)="([^"]+)"/g)!.every((attr) => attr.includes('="/'))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/status.css`)).headers.get('content-type')).toBe(
        'text/css; charset=utf-8',
      );

      const bad = status.exports.find((e) => e.name === 'bad')!;
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
});
