import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors/sync-error.js';
import { pipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from './pipeline-schema.js';

/** Validates a parsed config object; the error names every bad key with its path. */
export function parsePipelineConfig(raw: unknown, origin = 'config'): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`${origin} is invalid:\n${formatIssues(result.error.issues)}`);
}

export function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path.map(String).join('.') || '(root)';
      const detail =
        issue.code === 'unrecognized_keys'
          ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
            ? `required (expected ${issue.expected})`
            : issue.message;
      return `  - ${key}: ${detail}`;
    })
    .join('\n');
}

/** Reads a `.toml`, `.yaml` or `.yml` pipeline file. */
export async function loadPipelineConfig(path: string): Promise<PipelineConfig> {
  return parsePipelineConfig(await readConfigFile(path), `config file ${path}`);
}

/** The parsed content of a `.toml`, `.yaml` or `.yml` file; errors name the file. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    // Each parser is loaded for the file that needs it (the YAML one is a tenth of the CLI's start-up).
    if (ext === '.toml') raw = (await import('smol-toml')).parse(text);
    else if (ext === '.yaml' || ext === '.yml') raw = (await import('yaml')).parse(text);
    else throw new ConfigError(`config file ${path} must end in .toml, .yaml or .yml`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config file ${path} is not valid ${ext.slice(1).toUpperCase()}: ${(error as Error).message}`, { cause: error });
  }
  return raw;
}

export type { PipelineConfig, PipelineConfigInput };
