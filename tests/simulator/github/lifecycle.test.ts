import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startGithubSimulator } from '../../../src/simulator/github/index.js';

const fixture = fileURLToPath(new URL('./fixtures/close-and-exit.ts', import.meta.url));

describe('GitHub simulator lifecycle', () => {
  it('close() stops listening and cuts pending slow answers short', async () => {
    const sim = await startGithubSimulator({ faults: { rate: 1, kinds: ['slow'], slowMs: 60_000 } });
    const pending = fetch(`${sim.url}/orgs/${sim.org}/repos`);
    pending.catch(() => undefined);
    while (sim.stats().requests < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const startedAt = performance.now();
    await sim.close();
    expect(performance.now() - startedAt).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
    await expect(fetch(`${sim.url}/rate_limit`)).rejects.toThrow();
  });

  it('leaves no open handles: a process that used and closed it exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(stderr).toBe('');
    expect(exit).toBe(0);
    expect(stdout.trim()).toBe('closed:aborted');
  }, 30_000);
});
