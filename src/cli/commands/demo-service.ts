import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parsePipelineConfig } from '../../config/load-config.js';
import type { DeclaredPipeline } from '../../config/load-service-config.js';
import type { ApiTokenConfig } from '../../config/service-schema.js';
import { hashToken } from '../../server/api/auth.js';
import { startGithubSimulator, TRANSIENT_FAULT_KINDS } from '../../simulator/github/index.js';
import { DEMO_PIPELINE, DEMO_TOKEN } from './demo.js';

/** The environment variable the demo pipeline reads its (fake) GitHub token from. */
const DEMO_TOKEN_ENV = 'SYNCSCOPE_DEMO_GITHUB_TOKEN';

export interface DemoService {
  pipeline: DeclaredPipeline;
  /** A one-time operate token of organization `default`, printed for the user to sign in with. */
  token: string;
  tokenConfig: ApiTokenConfig;
  /** What the service's runs need in their environment (the simulator's token). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * `serve --demo`: the bundled GitHub simulator (8 repositories × 200 pull requests, 60 ms a call,
 * a few transient faults to retry) declared as the `github-demo` pipeline, and a fresh token, so
 * the dashboard can be tried with nothing else set up. Runs go to the same store as `syncscope demo`.
 */
export async function startDemoService(dataDir: string, reportsDir: string): Promise<DemoService> {
  const simulator = await startGithubSimulator({
    repos: 8,
    prsPerRepo: 200,
    latencyMs: 60,
    token: DEMO_TOKEN,
    faults: { rate: 0.02, kinds: [...TRANSIENT_FAULT_KINDS], slowMs: 3000 },
  });
  const config = parsePipelineConfig({
    pipeline: { name: DEMO_PIPELINE },
    source: { type: 'github', base_url: simulator.url, org: simulator.org, per_page: 20, token_env: DEMO_TOKEN_ENV },
    destination: { type: 'sqlite', path: join(dataDir, 'demo-github.db') },
    options: { batch_size: 20, partition_concurrency: 2 },
    api: { request_timeout_ms: 1500, max_attempts: 6, reset_margin_ms: 50 },
    reports: { dir: reportsDir },
  }, 'demo service settings');
  const token = `ssc_demo_${randomBytes(24).toString('base64url')}`;
  return {
    pipeline: { name: DEMO_PIPELINE, organization: config.pipeline.organization, file: '(serve --demo)', config },
    token,
    tokenConfig: { id: 'demo', organization: 'default', role: 'operate', sha256: hashToken(token) },
    env: { [DEMO_TOKEN_ENV]: DEMO_TOKEN },
    close: () => simulator.close(),
  };
}
