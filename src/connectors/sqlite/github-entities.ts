import { z } from 'zod';
import { buildOnce } from '../../config/build-once.js';

/*
 * The GitHub entities the SQLite destination writes: for each, the fields it needs (checked with
 * zod, as the source only guarantees ids and numbers) and how they become a row of its table.
 * Shapes: https://docs.github.com/rest/repos/repos, /rest/pulls/pulls, /rest/pulls/reviews
 */

/** A column value better-sqlite3 can bind (booleans are stored as 0/1). */
export type Cell = string | number | null;

export interface EntitySpec {
  table: 'repositories' | 'pull_requests' | 'reviews';
  /** Every column but `synced_at`, in insert order; `github_id` first. */
  columns: readonly string[];
  /** Parses the record's `data` and returns its row, or the validation issues. */
  toRow(data: Record<string, unknown>): { ok: true; githubId: number; row: Cell[] } | { ok: false; issues: string };
}

/** Built on the first record written, not at import (config/build-once.ts). */
const schemas = buildOnce(buildSchemas);

function buildSchemas() {
  const githubId = z.number().int().positive();
  const timestamp = z.string().min(1);
  const login = z.object({ login: z.string() }).nullable();

  const repository = z.object({
    id: githubId,
    name: z.string(),
    full_name: z.string(),
    owner: z.object({ login: z.string() }),
    private: z.boolean(),
    default_branch: z.string(),
    html_url: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  });

  const pullRequest = z.object({
    id: githubId,
    repo_full_name: z.string(),
    number: z.number().int().positive(),
    title: z.string(),
    state: z.string(),
    // Older API versions and some GitHub Enterprise servers leave `draft` out.
    draft: z.boolean().default(false),
    // `user` is null when the author's account was deleted.
    user: login,
    created_at: timestamp,
    updated_at: timestamp,
    closed_at: timestamp.nullable(),
    merged_at: timestamp.nullable(),
    head: z.object({ ref: z.string() }),
    base: z.object({ ref: z.string() }),
    html_url: z.string(),
  });

  const review = z.object({
    id: githubId,
    pull_request_id: githubId,
    repo_full_name: z.string(),
    pr_number: z.number().int().positive(),
    user: login,
    state: z.string(),
    // A PENDING review has not been submitted yet.
    submitted_at: timestamp.nullable().default(null),
  });

  return { repository, pullRequest, review };
}

function spec<S extends z.ZodType<{ id: number }>>(
  table: EntitySpec['table'],
  columns: readonly string[],
  schemaOf: () => S,
  cells: (value: z.output<S>) => Cell[],
): EntitySpec {
  return {
    table,
    columns,
    toRow(data) {
      const schema = schemaOf();
      const result = schema.safeParse(data);
      if (result.success) return { ok: true, githubId: result.data.id, row: cells(result.data) };
      // Parsed again to report each issue's input, which tells a missing field from a wrong one:
      // asking for it on every record would cost a third more per record.
      const reported = schema.safeParse(data, { reportInput: true });
      return { ok: false, issues: describeIssues(reported.success ? result.error : reported.error) };
    },
  };
}

/** Names every bad field: `missing number, head.ref; title: Invalid input: expected string, ...`. */
function describeIssues(error: z.ZodError): string {
  const name = (issue: z.core.$ZodIssue) => issue.path.join('.') || '(record)';
  const isMissing = (issue: z.core.$ZodIssue) => issue.code === 'invalid_type' && issue.input === undefined;
  const missing = error.issues.filter(isMissing).map(name);
  const invalid = error.issues.filter((issue) => !isMissing(issue)).map((issue) => `${name(issue)}: ${issue.message}`);
  return [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...invalid].join('; ');
}

/** Also written from a repo partition's metadata (`Destination.preparePartition`). */
export const REPOSITORY_ENTITY = spec(
  'repositories',
  ['github_id', 'full_name', 'name', 'owner', 'private', 'default_branch', 'html_url', 'created_at', 'updated_at'],
  () => schemas().repository,
  (r) => [r.id, r.full_name, r.name, r.owner.login, r.private ? 1 : 0, r.default_branch, r.html_url, r.created_at, r.updated_at],
);

const PULL_REQUEST_ENTITY = spec(
  'pull_requests',
  ['github_id', 'repo_full_name', 'number', 'title', 'state', 'draft', 'author', 'created_at', 'updated_at',
    'closed_at', 'merged_at', 'head_ref', 'base_ref', 'html_url'],
  () => schemas().pullRequest,
  (p) => [p.id, p.repo_full_name, p.number, p.title, p.state, p.draft ? 1 : 0, p.user?.login ?? null, p.created_at,
    p.updated_at, p.closed_at, p.merged_at, p.head.ref, p.base.ref, p.html_url],
);

const REVIEW_ENTITY = spec(
  'reviews',
  ['github_id', 'pull_request_github_id', 'repo_full_name', 'pr_number', 'reviewer', 'state', 'submitted_at'],
  () => schemas().review,
  (r) => [r.id, r.pull_request_id, r.repo_full_name, r.pr_number, r.user?.login ?? null, r.state, r.submitted_at],
);

/** The entities by `SourceRecord.entity` (a Map: a record's entity must not reach prototype keys). */
export const GITHUB_ENTITIES: ReadonlyMap<string, EntitySpec> = new Map([
  ['repository', REPOSITORY_ENTITY],
  ['pull_request', PULL_REQUEST_ENTITY],
  ['review', REVIEW_ENTITY],
]);
