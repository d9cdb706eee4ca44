import { z } from 'zod';
import { organizationId } from './organization.js';
import { postgresStore, sqliteStore } from './pipeline-schema.js';

export const API_ROLES = ['read', 'operate'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/**
 * One API bearer token, stored only as its SHA-256: tokens are random 256-bit strings
 * (`syncscope token new`), so a fast hash is safe (a slow one such as scrypt protects guessable
 * passwords, and would cost every request milliseconds).
 */
export const apiTokenSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, ., - and _').describe('Name of the token in logs and audit fields (never the token itself).'),
    organization: organizationId.describe('The only organization whose runs and pipelines the token sees.'),
    role: z.enum(API_ROLES).describe('`read`: every GET; `operate`: also start and cancel runs.'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the hex SHA-256 of the token (64 lower-case hex digits)').describe('sha256(token) in hex.'),
  })
  .strict();
export type ApiTokenConfig = z.infer<typeof apiTokenSchema>;

export const serviceConfigSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('Address to bind (`--host` overrides).'),
        port: z.number().int().min(0).max(65535).default(9464).describe('Port to bind; 0 picks a free one (`--port` overrides).'),
      })
      .strict()
      .prefault({}),
    organizations: z
      .array(z.object({ id: organizationId, name: z.string().min(1).optional().describe('Display name.') }).strict())
      .min(1)
      .default([{ id: 'default' }])
      .describe('Organizations the service knows; every pipeline and token belongs to one.'),
    pipelines: z
      .object({
        dir: z.string().min(1).optional().describe('Every .toml/.yaml/.yml file in this folder is a declared pipeline.'),
        files: z.array(z.string().min(1)).default([]).describe('And/or these pipeline files.'),
      })
      .strict()
      .prefault({})
      .describe('The only pipelines the API can start (paths relative to this file). Nothing runs a path a client sends.'),
    tokens: z.array(apiTokenSchema).default([]).describe('API tokens (as hashes). More can come from `tokens_env`.'),
    tokens_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('SYNCSCOPE_API_TOKENS')
      .describe('Environment variable holding more tokens: a JSON array of {id, organization, role, sha256}.'),
    runs: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(2).describe('Runs executed at once in this process.'),
        max_waiting: z.number().int().min(0).default(100).describe('Runs that may wait for a slot; more are refused with 503.'),
      })
      .strict()
      .prefault({}),
    store: z.discriminatedUnion('type', [sqliteStore, postgresStore]).default({ type: 'sqlite', path: './data/syncscope.db' }).describe('The run store the API reads (and service runs write).'),
    api: z
      .object({
        poll_ms: z.number().int().min(100).max(60_000).default(1000).describe('How often a live run is read from the store for its event streams (one read per run, shared by its subscribers).'),
        body_limit_bytes: z.number().int().min(256).max(1_048_576).default(16_384).describe('Largest request body accepted (413 beyond).'),
        shutdown_timeout_ms: z.number().int().min(0).default(30_000).describe('How long shutdown waits for in-flight batches before it exits anyway.'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
