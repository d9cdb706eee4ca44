import { afterEach } from 'vitest';
import { startGithubSimulator, type GithubSimulator, type GithubSimulatorOptions } from '../../../src/simulator/github/index.js';

/** Starts simulators on free ports and closes every one of them after each test. */
export function useSimulators(): (options?: GithubSimulatorOptions) => Promise<GithubSimulator> {
  const started: GithubSimulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.close()));
  });
  return async (options) => {
    const sim = await startGithubSimulator(options);
    started.push(sim);
    return sim;
  };
}

/** Parses a Link header into rel → URL. */
export function parseLink(header: string | null): Record<string, string> {
  const rels: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (match?.[1] && match[2]) rels[match[2]] = match[1];
  }
  return rels;
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until just after a second boundary, so a short burst lands inside one 1-second window. */
export async function startOfFreshSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 5);
}

export interface PullSummary {
  id: number;
  number: number;
  state: 'open' | 'closed';
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  draft: boolean;
}
