import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './cli.js';
import { skipWithoutTools, TOOLS } from './required-tools.js';

export const CHROMIUM = TOOLS.chromium.command;

/** Without Chromium a browser test skips locally, and fails under CI=true (a missing tool is a failure there). */
export function chromiumAvailable(): boolean {
  return !skipWithoutTools(['chromium']);
}

/** Where tests put screenshots: test-output/<name>/ (ignored by git). */
export function outputDir(name: string): string {
  const dir = join(REPO_ROOT, 'test-output', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's Chromium through playwright-core (no browser download), headless, with a fresh profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'syncscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
