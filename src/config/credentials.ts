import { ConfigError } from '../errors/sync-error.js';
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

/**
 * `credentialsOf`, refusing a GitHub pipeline whose `token_env` names an unset variable: running
 * anonymously by accident hits a 60-requests-an-hour budget and 404s on private repositories,
 * far from the cause. `source.anonymous = true` says it is meant.
 */
export function requiredCredentialsOf(config: PipelineConfig, env: Env = process.env): { token?: string; sourceUrl?: string } {
  const credentials = credentialsOf(config, env);
  if (!isOrdersPipeline(config) && credentials.token === undefined && !config.source.anonymous) {
    throw new ConfigError(
      `source.token_env: environment variable ${config.source.token_env} is not set (set it, or set source.anonymous = true to call the API without a token)`,
    );
  }
  return credentials;
}
