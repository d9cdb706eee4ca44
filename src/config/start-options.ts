import { z } from 'zod';
import { FieldValidationError } from '../errors/sync-error.js';
import { isOrdersPipeline, type PipelineConfig } from './pipeline-schema.js';

/**
 * What a client may change when it starts a declared pipeline (`POST /api/v1/runs`, the dashboard's
 * form): only narrowing options. Nothing here can point a pipeline at another API, file or token.
 */
export const githubStartOptions = z
  .object({
    limit: z.number().int().min(1).max(10_000).optional().describe('Sync at most this many repositories (the first by name).'),
    repos: z
      .array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name'))
      .min(1)
      .max(100)
      .optional()
      .describe('Only these repositories: among the pipeline\'s `repos`, or of its `org`.'),
  })
  .strict();

export type GithubStartOptions = z.infer<typeof githubStartOptions>;

/** The options `GET /pipelines` lists, with what each does. */
export function startOptionsHelp(): Record<string, string> {
  return Object.fromEntries(Object.entries(githubStartOptions.shape).map(([key, schema]) => [key, schema.description ?? '']));
}

/**
 * The declared config narrowed by a client's options; errors name the field as the client sent it
 * (`body.options.repos[0]`).
 */
export function applyStartOptions(config: PipelineConfig, raw: Record<string, unknown>): { config: PipelineConfig; options: GithubStartOptions } {
  const parsed = githubStartOptions.safeParse(raw);
  if (!parsed.success) {
    throw new FieldValidationError(parsed.error.issues.flatMap((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((key) => ({ field: fieldName([...issue.path.map(String), ...(key ? [key] : [])]), message: key ? 'unknown option' : issue.message }));
    }));
  }
  const options = parsed.data;
  if (isOrdersPipeline(config)) {
    // An orders pipeline narrows by row count; repositories mean nothing to it.
    if (options.repos) throw new FieldValidationError([{ field: fieldName(['repos']), message: 'repos applies to github pipelines; this one syncs orders' }]);
    const limit = options.limit === undefined ? config.source.limit : Math.min(options.limit, config.source.limit ?? Number.MAX_SAFE_INTEGER);
    return { config: { ...config, source: { ...config.source, ...(limit !== undefined ? { limit } : {}) } }, options };
  }
  const source = { ...config.source };
  if (options.repos) {
    const declared = new Set(source.repos);
    options.repos.forEach((repo, i) => {
      const allowed = declared.size > 0 ? declared.has(repo) : source.org !== undefined && repo.split('/')[0] === source.org;
      if (!allowed) {
        const scope = declared.size > 0 ? `the pipeline's repos (${[...declared].join(', ')})` : `the organisation ${source.org ?? '(none)'}`;
        throw new FieldValidationError([{ field: fieldName(['repos', String(i)]), message: `${repo} is not among ${scope}` }]);
      }
    });
    source.repos = options.repos;
  }
  if (options.limit !== undefined) source.limit_repos = Math.min(options.limit, source.limit_repos ?? Number.MAX_SAFE_INTEGER);
  return { config: { ...config, source }, options };
}

function fieldName(path: string[]): string {
  return ['body', 'options', ...path].reduce((a, b) => (/^\d+$/.test(b) ? `${a}[${b}]` : `${a}.${b}`));
}
