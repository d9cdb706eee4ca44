import { readdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/sync-error.js';
import { formatIssues, loadPipelineConfig, readConfigFile } from './load-config.js';
import type { PipelineConfig } from './pipeline-schema.js';
import { apiTokenSchema, serviceConfigSchema, type ApiTokenConfig, type ServiceConfig } from './service-schema.js';

/** A pipeline the service may run, with the file it was declared in. */
export interface DeclaredPipeline {
  name: string;
  organization: string;
  file: string;
  config: PipelineConfig;
}

/** Everything `serve` runs on, validated: the config, its pipelines, and every token (file + env). */
export interface LoadedService {
  config: ServiceConfig;
  /** Where the config came from, for messages (`defaults` without a file). */
  origin: string;
  pipelines: DeclaredPipeline[];
  tokens: ApiTokenConfig[];
}

type Env = Record<string, string | undefined>;

const PIPELINE_EXTENSIONS = new Set(['.toml', '.yaml', '.yml']);

/** Reads and checks a service config file; without a path, the defaults (no pipelines). */
export async function loadServiceConfig(path: string | undefined, env: Env = process.env): Promise<LoadedService> {
  const origin = path ? `service config ${path}` : 'service defaults';
  const raw = path ? await readConfigFile(path) : {};
  const parsed = serviceConfigSchema.safeParse(raw, { jitless: true }); // once per process: see load-config.ts
  if (!parsed.success) throw new ConfigError(`${origin} is invalid:\n${formatIssues(parsed.error.issues)}`);
  const config = parsed.data;
  const base = path ? dirname(resolve(path)) : process.cwd();
  const pipelines = await loadPipelines(config, base);
  const tokens = [...config.tokens, ...tokensFromEnv(config.tokens_env, env)];
  checkReferences(config, pipelines, tokens, origin);
  return { config, origin, pipelines, tokens };
}

async function loadPipelines(config: ServiceConfig, base: string): Promise<DeclaredPipeline[]> {
  const files: string[] = [];
  if (config.pipelines.dir) {
    const dir = resolve(base, config.pipelines.dir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      throw new ConfigError(`pipelines.dir ${dir} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    files.push(...names.filter((n) => PIPELINE_EXTENSIONS.has(extname(n).toLowerCase())).sort().map((n) => join(dir, n)));
  }
  files.push(...config.pipelines.files.map((f) => resolve(base, f)));
  const declared: DeclaredPipeline[] = [];
  for (const file of [...new Set(files)]) {
    const pipeline = await loadPipelineConfig(file);
    declared.push({ name: pipeline.pipeline.name, organization: pipeline.pipeline.organization, file, config: pipeline });
  }
  return declared;
}

/** `SYNCSCOPE_API_TOKENS='[{"id":"ops","organization":"acme","role":"operate","sha256":"…"}]'`. */
function tokensFromEnv(variable: string, env: Env): ApiTokenConfig[] {
  const text = env[variable]?.trim();
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${variable} must be a JSON array of tokens: ${(error as Error).message}`, { cause: error });
  }
  const parsed = z.array(apiTokenSchema).safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${variable} is invalid:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

function checkReferences(config: ServiceConfig, pipelines: DeclaredPipeline[], tokens: ApiTokenConfig[], origin: string): void {
  const orgs = new Set(config.organizations.map((o) => o.id));
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const p of pipelines) {
    const other = names.get(p.name);
    if (other) problems.push(`pipeline "${p.name}" is declared twice (${other} and ${p.file})`);
    names.set(p.name, p.file);
    if (!orgs.has(p.organization)) problems.push(`${p.file}: pipeline.organization "${p.organization}" is not in organizations`);
  }
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const t of tokens) {
    if (ids.has(t.id)) problems.push(`token id "${t.id}" is used twice`);
    if (hashes.has(t.sha256)) problems.push(`token "${t.id}" has the same hash as another token`);
    ids.add(t.id);
    hashes.add(t.sha256);
    if (!orgs.has(t.organization)) problems.push(`token "${t.id}": organization "${t.organization}" is not in organizations`);
  }
  if (problems.length > 0) throw new ConfigError(`${origin} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
