import { z } from 'zod';

/** The fields each GitHub entity needs to become a row; checked per record so one bad record fails alone. */
const login = z.object({ login: z.string() }).nullish();

export const repositoryRow = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string(),
  owner: login,
  private: z.boolean().optional(),
  default_branch: z.string().nullish(),
  html_url: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export const pullRequestRow = z.object({
  id: z.number().int(),
  number: z.number().int().positive(),
  repo_full_name: z.string(),
  title: z.string().nullish(),
  state: z.string().nullish(),
  draft: z.boolean().nullish(),
  user: login,
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  merged_at: z.string().nullish(),
  head: z.object({ ref: z.string() }).nullish(),
  base: z.object({ ref: z.string() }).nullish(),
  html_url: z.string().nullish(),
});

export const reviewRow = z.object({
  id: z.number().int(),
  repo_full_name: z.string(),
  pr_number: z.number().int(),
  pull_request_id: z.number().int(),
  user: login,
  state: z.string().nullish(),
  submitted_at: z.string().nullish(),
});

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
}
