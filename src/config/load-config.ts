import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors/sync-error.js';
import { tomlKeyLocator, type KeyLocator } from './key-lines.js';
import { PIPELINE_KINDS, schemaForKind, type PipelineConfig, type PipelineConfigInput, type PipelineKind } from './pipeline-schema.js';

export interface ParseOptions {
  /** Merge `[environments.<name>]` over the file before validating it. */
  environment?: string;
  /** Finds a key's line in the file, for error messages. */
  locate?: KeyLocator;
}

/** Validates a parsed config object; the error names every bad key with its path (and line, from a file). */
export function parsePipelineConfig(raw: unknown, origin = 'config', options: ParseOptions = {}): PipelineConfig {
  const merged = withEnvironment(raw, options.environment, origin);
  const kind = kindOf(merged, origin, options.locate);
  // Parsed once per run: zod's compiled fast path (a `new Function` per object schema, built on
  // its first parse) would cost more to build than it saves on one parse.
  const result = schemaForKind(kind).safeParse(merged, { jitless: true });
  if (result.success) return result.data;
  const where = options.environment ? `${origin} (environment ${options.environment})` : origin;
  throw new ConfigError(`${where} is invalid:\n${formatIssues(result.error.issues, lineFinder(options))}`);
}

export function formatIssues(issues: z.core.$ZodIssue[], lineOf: (path: Array<string | number>) => number | undefined = () => undefined): string {
  return issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      const key = path.map(String).join('.') || '(root)';
      const detail =
        issue.code === 'unrecognized_keys'
          ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
            ? `required (expected ${issue.expected})`
            : issue.message;
      const line = lineOf(issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path);
      return `  - ${key}: ${detail}${line === undefined ? '' : ` (line ${line})`}`;
    })
    .join('\n');
}

/** Reads a `.toml`, `.yaml` or `.yml` pipeline file; `environment` merges its `[environments.<name>]` section. */
export async function loadPipelineConfig(path: string, options: { environment?: string } = {}): Promise<PipelineConfig> {
  const { raw, locate } = await readConfig(path);
  return parsePipelineConfig(raw, `config file ${path}`, { environment: options.environment, locate });
}

/** The parsed content of a `.toml`, `.yaml` or `.yml` file; errors name the file. */
export async function readConfigFile(path: string): Promise<unknown> {
  return (await readConfig(path)).raw;
}

/** The parsed content, and where each key is written (for errors that name the line). */
async function readConfig(path: string): Promise<{ raw: unknown; locate: KeyLocator }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const ext = extname(path).toLowerCase();
  try {
    // Each parser is loaded for the file that needs it (the YAML one is a tenth of the CLI's start-up).
    if (ext === '.toml') return { raw: (await import('smol-toml')).parse(text), locate: tomlKeyLocator(text) };
    if (ext === '.yaml' || ext === '.yml') return { raw: (await import('yaml')).parse(text), locate: (await import('./yaml-key-lines.js')).yamlKeyLocator(text) };
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid ${ext.slice(1).toUpperCase()}: ${(error as Error).message}`, { cause: error });
  }
  throw new ConfigError(`config file ${path} must end in .toml, .yaml or .yml`);
}

function kindOf(raw: unknown, origin: string, locate: KeyLocator | undefined): PipelineKind {
  const kind = isTable(raw) && isTable(raw.pipeline) ? raw.pipeline.kind : undefined;
  if (kind === undefined) return 'github';
  if ((PIPELINE_KINDS as readonly unknown[]).includes(kind)) return kind as PipelineKind;
  const line = locate?.(['pipeline', 'kind']);
  throw new ConfigError(`${origin} is invalid:\n  - pipeline.kind: must be one of ${PIPELINE_KINDS.join(', ')}, not ${JSON.stringify(kind)}${line === undefined ? '' : ` (line ${line})`}`);
}

/** The file with `[environments.<name>]` merged over it (tables merge key by key; other values replace). */
function withEnvironment(raw: unknown, environment: string | undefined, origin: string): unknown {
  if (environment === undefined) return raw;
  const environments = isTable(raw) && isTable(raw.environments) ? raw.environments : {};
  const section = environments[environment];
  if (!isTable(section)) {
    const known = Object.keys(environments);
    throw new ConfigError(`${origin} has no [environments.${environment}] section${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
  }
  return merge(raw, section);
}

function merge(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isTable(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(over)) out[key] = isTable(value) && isTable(out[key]) ? merge(out[key], value) : value;
  return out;
}

/** A key set by the environment is found in its section; anything else in the file's own tables. */
function lineFinder(options: ParseOptions): (path: Array<string | number>) => number | undefined {
  const { locate, environment } = options;
  if (!locate) return () => undefined;
  return (path) => {
    if (environment && path.length > 0) {
      const inEnvironment = locate(['environments', environment, ...path]);
      const ownSection = locate(['environments', environment]);
      if (inEnvironment !== undefined && inEnvironment !== ownSection) return inEnvironment;
    }
    return locate(path);
  };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { PipelineConfig, PipelineConfigInput };
