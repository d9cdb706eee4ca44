import { z } from 'zod';
import { organizationId } from './organization.js';
import { URL_CREDENTIALS_MESSAGE, urlCarriesCredentials } from './url-credentials.js';
import { DEFAULT_SECRET_KEYS } from './secret-keys.js';

/* Config sections every pipeline kind shares: its name, run store, engine options, API client, audit, reports. */

export const pipelineName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _')
  .describe('Pipeline name: a metric label, so keep it stable.');

export const pipelineOrganization = organizationId
  .default('default')
  .describe('Organization the pipeline and its runs belong to; API tokens see only their organization.');

export const sqliteStore = z
  .object({
    type: z.literal('sqlite'),
    path: z.string().min(1).default('./data/syncscope.db').describe('SQLite file of the run store.'),
  })
  .strict();

export const postgresStore = z
  .object({
    type: z.literal('postgres'),
    url: z.string().min(1).describe('PostgreSQL connection string, e.g. postgres://user@host:5432/db.'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('syncscope').describe('Schema the run store tables live in.'),
  })
  .strict();

export const storeSection = z.discriminatedUnion('type', [sqliteStore, postgresStore]).default({ type: 'sqlite', path: './data/syncscope.db' });

/** The engine options; each pipeline kind picks its defaults. */
export function optionsSection(defaults: { batch_size: number; partition_concurrency: number }) {
  return z
    .object({
      batch_size: z.number().int().min(1).max(10_000).default(defaults.batch_size).describe('Records per destination write.'),
      partition_concurrency: z.number().int().min(1).max(64).default(defaults.partition_concurrency).describe('Partitions synced at once.'),
      distributed: z.boolean().default(false).describe('Enqueue the partitions for `syncscope worker` processes (BullMQ on SYNCSCOPE_REDIS_URL) instead of syncing them in this process.'),
    })
    .strict()
    .default({ ...defaults, distributed: false });
}

export const apiSection = z
  .object({
    max_concurrent_per_token: z.number().int().min(1).max(100).default(8).describe('Requests in flight per token; 1 = strictly sequential. GitHub allows at most 100.'),
    request_timeout_ms: z.number().int().min(100).default(15_000).describe('A call with no response by then fails as TIMEOUT (and is retried).'),
    max_attempts: z.number().int().min(1).max(20).default(5).describe('Attempts per call for transient errors.'),
    reset_margin_ms: z.number().int().min(0).default(250).describe('Extra wait past a rate-limit reset, for clock skew.'),
    pace_below_share: z.number().min(0).max(1).default(0.1).describe('Below this share of the budget left, requests are paced to last until the reset.'),
    max_requests_per_minute_per_endpoint: z.number().int().min(1).default(800).describe('Per-endpoint cap per rolling minute, under GitHub\'s secondary limit of 900.'),
  })
  .strict()
  .default({ max_concurrent_per_token: 8, request_timeout_ms: 15_000, max_attempts: 5, reset_margin_ms: 250, pace_below_share: 0.1, max_requests_per_minute_per_endpoint: 800 });

export const AUDIT_BODIES = ['errors+sample', 'all', 'errors', 'none'] as const;

const AUDIT_DEFAULTS = {
  bodies: 'errors+sample' as const,
  sample_first: 3,
  sample_every: 500,
  body_retention: '7d',
  max_body_bytes: 64 * 1024,
  secret_keys: DEFAULT_SECRET_KEYS,
};

export const auditSection = z
  .object({
    bodies: z.enum(AUDIT_BODIES).default(AUDIT_DEFAULTS.bodies).describe('Which API calls keep request/response bodies: "errors+sample" = failed and retried calls plus a sample of successes; "all", "errors" (failed calls only) or "none". Every call keeps its audit row either way.'),
    sample_first: z.number().int().min(0).default(AUDIT_DEFAULTS.sample_first).describe('"errors+sample": the first N successful calls of each operation per run keep their bodies.'),
    sample_every: z.number().int().min(0).default(AUDIT_DEFAULTS.sample_every).describe('"errors+sample": after those, 1 in K successful calls of each operation keeps its bodies (0 = none).'),
    body_retention: z.string().regex(/^\d+[mhdw]$/, 'a duration like 12h, 7d or 2w').default(AUDIT_DEFAULTS.body_retention).describe('Bodies of calls older than this are dropped (the rows stay) when a run starts; `syncscope prune --bodies-older-than` does the same.'),
    max_body_bytes: z.number().int().min(256).default(AUDIT_DEFAULTS.max_body_bytes).describe('Bodies longer than this are cut (and marked truncated).'),
    secret_keys: z.array(z.string().min(1)).default(DEFAULT_SECRET_KEYS).describe('Field names that look secret; their values are redacted everywhere.'),
  })
  .strict()
  .default(AUDIT_DEFAULTS);

export const reportsSection = z
  .object({ dir: z.string().min(1).default('./reports').describe('Root of the per-sync report folders.') })
  .strict()
  .default({ dir: './reports' });

/**
 * `[environments.<name>]`: overrides merged over the file when `--environment <name>` is given
 * (e.g. `development` against the simulator, `production` against the real API). Validated as
 * part of the merged config, so a bad key is named with its file line.
 */
export const environmentsSection = z
  .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'an environment name: letters, digits, - and _'), z.record(z.string(), z.unknown()))
  .optional()
  .describe('Named overrides selected with --environment NAME.');

/**
 * One pipeline kind's whole config: its `pipeline` table with its own `kind`, its source and
 * destination, its batching defaults, and the sections every kind shares.
 */
export function pipelineSchema<Kind extends z.ZodType, Source extends z.ZodType, Destination extends z.ZodType>(parts: {
  kind: Kind;
  source: Source;
  destination: Destination;
  options: Parameters<typeof optionsSection>[0];
}) {
  return z
    .object({
      pipeline: z.object({ name: pipelineName, organization: pipelineOrganization, kind: parts.kind }).strict(),
      source: parts.source,
      destination: parts.destination,
      store: storeSection,
      options: optionsSection(parts.options),
      api: apiSection,
      audit: auditSection,
      reports: reportsSection,
      environments: environmentsSection,
    })
    .strict();
}

/** An API's root URL, refused when it carries credentials (url-credentials.ts): a connector's base URL. */
export function apiUrl(defaultUrl: string, description: string) {
  return z
    .url()
    .refine((url) => !urlCarriesCredentials(url), URL_CREDENTIALS_MESSAGE)
    .default(defaultUrl)
    .describe(`${description} No credentials in it (exit 2).`);
}
