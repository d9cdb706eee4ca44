import { readToken } from './environment.js';
import { isOrdersPipeline, type PipelineConfig } from './pipeline-schema.js';

type Env = Record<string, string | undefined>;

/**
 * The secrets a pipeline names by environment variable: its API token (GitHub's, or Monday's for
 * orders) and, for an order table in PostgreSQL, the connection string. Only `config/` reads the
 * environment; the CLI and the service both come here.
 */
export function credentialsOf(config: PipelineConfig, env: Env = process.env): { token?: string; sourceUrl?: string } {
  if (!isOrdersPipeline(config)) return { token: readToken(config.source.token_env, env) };
  return {
    token: readToken(config.destination.token_env, env),
    ...(config.source.type === 'postgres' ? { sourceUrl: readToken(config.source.url_env, env) } : {}),
  };
}
