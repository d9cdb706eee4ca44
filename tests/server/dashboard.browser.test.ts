import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { chromiumAvailable, launchBrowser, outputDir } from '../helpers/browser.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { aToken, call, startService, type RunningService } from '../helpers/service.js';

const available = chromiumAvailable();
const acmeOps = aToken('acme-ops', 'acme', 'operate');
const globexOps = aToken('globex-ops', 'globex', 'operate');

/**
 * The dashboard as an engineer uses it, in Debian's Chromium: sign in, start a dry run from the
 * form, watch the bar advance over the event stream to the final state. Screenshots go to
 * test-output/dashboard/ and, for the README, docs/images/.
 */
describe.skipIf(!available)('dashboard in Chromium', () => {
  const tmp = tempDir('syncscope-dashboard-');
  let sim: GithubSimulator;
  let service: RunningService;
  let acmeSyncId = '';
  const shots = outputDir('dashboard');

  beforeAll(async () => {
    // ~4 s of work: 5 repos × 60 PRs, 5 a page, 120 ms a call, two repos at a time.
    sim = await startGithubSimulator({ repos: 5, prsPerRepo: 60, latencyMs: 120, seed: 7 });
    service = await startService({
      dir: tmp.dir,
      pollMs: 250,
      env: { SYNCSCOPE_GRAFANA_URL: 'http://grafana.test:3000' },
      tokens: [acmeOps, globexOps],
      pipelines: [
        { name: 'github-acme', organization: 'acme', baseUrl: sim.url, org: sim.org, perPage: 5, batchSize: 5 },
        { name: 'github-globex', organization: 'globex', baseUrl: sim.url, org: sim.org, perPage: 5 },
      ],
    });
  });

  afterAll(async () => {
    await service?.stop();
    await sim?.close();
    tmp.cleanup();
  });

  it('signs in, starts a dry run from the form and watches its progress bar advance over SSE to the end', { timeout: 120_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const apiRequests: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/')) apiRequests.push(r.url());
      });
      await page.goto(`${service.url}/`);
      await page.fill('input[name=token]', acmeOps.token);
      await page.click('button[type=submit]');
      await page.waitForSelector('#start-form');
      expect(await page.textContent('#org-name')).toBe('acme');

      await page.selectOption('select[name=pipeline]', 'github-acme');
      await page.click('#start-form button[type=submit]');
      await page.waitForURL(/#\/runs\/\d{12}-SYNC-[0-9A-F]{8}$/);
      acmeSyncId = /#\/runs\/(.+)$/.exec(page.url())![1]!;

      // The bar advances while the run is live: sample the percent shown until the stream ends.
      await page.waitForSelector('#live-indicator', { timeout: 20_000 });
      const seen: number[] = [];
      let midRunShot = false;
      for (let i = 0; i < 200; i++) {
        const percent = Number((await page.textContent('#percent'))?.replace('%', ''));
        if (Number.isFinite(percent) && seen.at(-1) !== percent) seen.push(percent);
        if (!midRunShot && percent >= 30 && percent < 90) {
          await page.screenshot({ path: join(shots, 'run-live.png'), fullPage: true });
          midRunShot = true;
        }
        if (await page.$('#ended-indicator')) break;
        await page.waitForTimeout(100);
      }
      await page.waitForSelector('#ended-indicator', { timeout: 30_000 });
      // The last update can land between a sample and the check for the end: read what the ended page shows.
      const final = Number((await page.textContent('#percent'))?.replace('%', ''));
      if (seen.at(-1) !== final) seen.push(final);
      expect(seen.length, `percent values seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBe(100);

      // The final state: a dry run that succeeded, every record skipped, nothing says "Syncing".
      expect(await page.getAttribute('.badge.big', 'data-status')).toBe('succeeded');
      expect(await page.textContent('body')).not.toContain('Syncing');
      expect(await page.textContent('[data-legend=skipped]')).toBe('300');
      expect(await page.$$('.partition[data-status=succeeded]')).toHaveLength(5);
      expect(await page.$('#execute-run')).not.toBeNull();
      // SYNCSCOPE_GRAFANA_URL is set: the trace and its logs are a click away.
      expect(await page.getAttribute('#trace-link', 'href')).toMatch(/^http:\/\/grafana\.test:3000\/explore\?/);
      expect(await page.getAttribute('#logs-link', 'href')).toContain(encodeURIComponent(acmeSyncId));
      await page.screenshot({ path: join(shots, 'run-final.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(shots, 'run-final-dark.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });

      // Live updates came over one event stream, not by polling the run.
      expect(apiRequests.filter((u) => u.endsWith(`/runs/${acmeSyncId}/events`))).toHaveLength(1);
      expect(apiRequests.filter((u) => u.endsWith(`/runs/${acmeSyncId}`)).length).toBeLessThanOrEqual(2);
      // The token never travels in a URL.
      expect(apiRequests.some((u) => u.includes(acmeOps.token))).toBe(false);

      await page.click('a[href="#/"]');
      await page.waitForSelector(`tr[data-sync-id="${acmeSyncId}"]`);
      expect(await page.getAttribute(`tr[data-sync-id="${acmeSyncId}"]`, 'data-status')).toBe('succeeded');
      await page.screenshot({ path: join(shots, 'runs-list.png'), fullPage: true });

      // The README's copies: written when missing, refreshed with SYNCSCOPE_UPDATE_SCREENSHOTS=1
      // (so an ordinary test run leaves the worktree clean).
      const images = join(REPO_ROOT, 'docs/images');
      mkdirSync(images, { recursive: true });
      const readmeCopy = (from: string, to: string) => {
        if (process.env['SYNCSCOPE_UPDATE_SCREENSHOTS'] === '1' || !existsSync(join(images, to))) copyFileSync(join(shots, from), join(images, to));
      };
      readmeCopy('runs-list.png', 'dashboard-runs.png');
      readmeCopy(midRunShot ? 'run-live.png' : 'run-final.png', 'dashboard-run.png');
      readmeCopy('run-final-dark.png', 'dashboard-run-dark.png');
    } finally {
      await browser.close();
    }
  });

  it('shows a token of another organization none of it', async () => {
    expect(acmeSyncId).not.toBe('');
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${service.url}/`);
      await page.fill('input[name=token]', globexOps.token);
      await page.click('button[type=submit]');
      await page.waitForSelector('#runs-body');
      await page.waitForSelector('#start-form');
      expect(await page.textContent('#org-name')).toBe('globex');
      expect(await page.textContent('#runs-body')).toContain('No runs yet');
      const options = await page.$$eval('select[name=pipeline] option', (els) => els.map((e) => e.textContent));
      expect(options).toEqual(['github-globex']);
      expect(await page.textContent('body')).not.toContain(acmeSyncId);

      // Even with the sync ID in hand, the run is not there for this organization.
      await page.goto(`${service.url}/#/runs/${acmeSyncId}`);
      await page.waitForSelector('.panel.empty');
      expect(await page.textContent('.panel.empty')).toContain(`No run ${acmeSyncId} in this organization`);
      const stream = await call(service, globexOps.token, `/api/v1/runs/${acmeSyncId}/events`);
      expect(stream.status).toBe(404);
    } finally {
      await browser.close();
    }
  });
});
