import { z } from 'zod';
import { buildOnce } from './build-once.js';
import { ordersPipelineSchema, type OrdersPipelineConfig, type OrdersPipelineConfigInput } from './orders-pipeline-schema.js';
import { apiUrl, pipelineSchema } from './sections.js';

export { postgresStore, sqliteStore } from './sections.js';

export const GITHUB_SOURCE_MODES = ['rest', 'graphql'] as const;
export type GithubSourceMode = (typeof GITHUB_SOURCE_MODES)[number];

/** A GitHub → SQLite pipeline (`pipeline.kind = "github"`, the default), built on first use. */
export const githubPipelineSchema = buildOnce(buildGithubPipelineSchema);

function buildGithubPipelineSchema() {
  const githubSource = z
    .object({
      type: z.literal('github'),
      base_url: apiUrl('https://api.github.com', 'GitHub API root; a GitHub Enterprise or simulator URL.'),
      token_env: z
        .string()
        .default('GITHUB_TOKEN')
        .describe('Name of the environment variable holding the token. Tokens never go in config files. Unset → exit 2, unless `anonymous = true`.'),
      anonymous: z
        .boolean()
        .default(false)
        .describe('Call the API without a token (public repositories, 60 requests/h on github.com) when `token_env` is unset.'),
      org: z.string().min(1).optional().describe('Sync every repository of this organisation.'),
      repos: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name')).default([]).describe('Or only these owner/name repositories.'),
      include_reviews: z.boolean().default(false).describe('Also read the reviews of every pull request (one call each).'),
      per_page: z.number().int().min(1).max(100).default(100).describe('Page size of list calls; GitHub allows at most 100.'),
      limit_repos: z.number().int().positive().optional().describe('Sync at most this many repositories.'),
      mode: z
        .enum(GITHUB_SOURCE_MODES)
        .default('graphql')
        .describe('API to read with: "graphql" (the default) fetches pull requests with their reviews in one query (points budget), "rest" one call per page and per pull request\'s reviews.'),
    })
    .strict()
    .refine((s) => s.org !== undefined || s.repos.length > 0, { message: 'set `org` or `repos`', path: ['org'] });

  const sqliteDestination = z
    .object({
      type: z.literal('sqlite'),
      path: z.string().min(1).default('./data/github.db').describe('SQLite file the repositories, pull requests and reviews go to.'),
    })
    .strict();

  return pipelineSchema({
    kind: z.literal('github').default('github').describe('Pipeline kind: github (pull requests → SQLite) or orders (order rows → Monday.com).'),
    source: githubSource,
    destination: sqliteDestination,
    options: { batch_size: 100, partition_concurrency: 4 },
  });
}

export const PIPELINE_KINDS = ['github', 'orders'] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

/** The schema of one kind, so a bad file is told its own kind's errors, not a union's. */
export function schemaForKind(kind: PipelineKind) {
  return kind === 'orders' ? ordersPipelineSchema() : githubPipelineSchema();
}

export type GithubPipelineConfig = z.infer<ReturnType<typeof buildGithubPipelineSchema>>;
export type { OrdersPipelineConfig };
/** Every pipeline kind; `pipeline.kind` picks one (see `schemaForKind`). */
export type PipelineConfig = GithubPipelineConfig | OrdersPipelineConfig;

/** Narrows a config by its kind (TypeScript does not narrow a union on a nested field by itself). */
export function isOrdersPipeline(config: PipelineConfig): config is OrdersPipelineConfig {
  return config.pipeline.kind === 'orders';
}
export type PipelineConfigInput = z.input<ReturnType<typeof buildGithubPipelineSchema>> | OrdersPipelineConfigInput;
