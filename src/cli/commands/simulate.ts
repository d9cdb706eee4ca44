import { startGithubSimulator, TRANSIENT_FAULT_KINDS } from '../../simulator/github/index.js';

export interface SimulateOptions {
  port: string;
  repos: number;
  prsPerRepo: number;
  latencyMs: number;
  faultRate: number;
  rateLimit: number;
  rateLimitWindow: number;
  seed: number;
  token?: string;
}

/** `syncscope simulate`: serves the GitHub simulator alone, e.g. for a pipeline config to point at. */
export async function simulateCommand(options: SimulateOptions): Promise<number> {
  const simulator = await startGithubSimulator({
    port: Number(options.port),
    repos: options.repos,
    prsPerRepo: options.prsPerRepo,
    latencyMs: options.latencyMs,
    seed: options.seed,
    token: options.token,
    rateLimit: { limit: options.rateLimit, windowSeconds: options.rateLimitWindow },
    faults: options.faultRate > 0 ? { rate: options.faultRate, kinds: [...TRANSIENT_FAULT_KINDS] } : undefined,
  });
  process.stdout.write(`GitHub simulator on ${simulator.url} (org "${simulator.org}"); Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const stats = simulator.stats();
  await simulator.close();
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  return 0;
}
