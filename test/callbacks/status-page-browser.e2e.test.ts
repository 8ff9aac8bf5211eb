// The status page in a real browser (issue 39): Debian's chromium, driven by playwright-core, shows the three
// exports as `status --json` says, the stale one marked in words, and each export's page from its link; axe finds
// no serious or critical violation; nothing is requested from another origin. Screenshots of both pages are kept
// in test-results/ (CI uploads them).

import { once } from 'node:events';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort, startServe } from '../support/serve-process.js';
import { threeExports } from './status-page-fixture.js';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');

describe('the status page in Chromium', () => {
  it('lists the exports as status says, marks the stale one, links each to its page, and passes axe', async () => {
    const { dir, status } = await threeExports();
    const port = await freePort();
    const serve = await startServe(dir, port);
    onTestFinished(async () => {
      if (serve.exitCode === null) {
        serve.kill('SIGTERM');
        await once(serve, 'exit');
      }
    });
    // Chromium writes its settings and caches under HOME: the run folder's, never the developer's.
    const home = mkdtempSync(join(tmpdir(), 'cxone-chromium-home-'));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox'],
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    });
    onTestFinished(() => browser.close());
    // axe needs a page of a context of its own.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const base = `http://127.0.0.1:${port}`;
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) elsewhere.push(request.url());
    });

    await page.goto(`${base}/`);
    expect(await page.locator('h1').textContent()).toBe('Exports of default');
    for (const row of status) {
      const cells = page.locator('tbody tr', { has: page.locator(`th a[href="/exports/${row.name}"]`) }).locator('td');
      const state = (await cells.first().textContent())!;
      expect(state).toBe(row.schedule?.stale === true ? `stale (${row.status})` : row.status);
    }
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
      [],
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'status-page-list.png'), fullPage: true });

    await page.click('a[href="/exports/bad"]');
    await page.waitForURL(`${base}/exports/bad`);
    const bad = status.find((row) => row.name === 'bad')!;
    expect(await page.locator('dd').nth(1).textContent()).toBe(bad.executionId);
    const detailAxe = await new AxeBuilder({ page }).analyze();
    expect(
      detailAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'status-page-export.png'), fullPage: true });
    expect(elsewhere).toEqual([]);
  });
});
