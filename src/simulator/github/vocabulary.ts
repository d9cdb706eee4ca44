import { hash32, intIn } from './rng.js';
import type { GithubUser } from './shapes.js';

/** Field salts: each generated attribute draws from its own hash stream. */
export const F = {
  repoShift: 1,
  repoPrivate: 2,
  repoLanguage: 3,
  repoStars: 4,
  repoForks: 5,
  repoIssues: 6,
  repoDescription: 7,
  openShare: 8,
  prShift: 9,
  prJitter: 10,
  prDelta: 11,
  prMerged: 12,
  prDraft: 13,
  prAuthor: 14,
  prTitle: 15,
  prBody: 16,
  prLabels: 17,
  prSha: 18,
  prSize: 19,
  reviewer: 20,
  reviewState: 21,
  reviewBody: 22,
  manyReviews: 23,
} as const;

export const LANGUAGES = ['TypeScript', 'Go', 'Python', 'Rust', 'Java', null] as const;
export const VERBS = ['Add', 'Fix', 'Refactor', 'Remove', 'Speed up', 'Document', 'Harden', 'Test'];
export const NOUNS = ['retry policy', 'pagination', 'cache', 'webhook handler', 'schema', 'CLI flags', 'metrics'];
export const AREAS = ['api', 'worker', 'billing', 'auth', 'search', 'sync', 'dashboard', 'importer'];
export const LABELS = ['bug', 'enhancement', 'documentation', 'dependencies', 'performance', 'security'];
const LABEL_COLORS = ['d73a4a', 'a2eeef', '0075ca', '0366d6', 'fbca04', 'b60205'];
const LOGINS = [
  'ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances', 'guido', 'radia',
  'katherine', 'alan', 'edsger', 'donald', 'hedy', 'tim', 'bjarne', 'anders', 'yukihiro', 'sophie',
];

/** GitHub's legacy global node IDs are base64 of "<type-length>:<Type><id>". */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** GitHub timestamps: ISO 8601 UTC without milliseconds. */
export function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function pick<T>(items: readonly T[], ...parts: readonly number[]): T {
  const item = items[intIn(0, items.length, ...parts)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

/** One of a fixed pool of people; which one depends on the seed. */
export function person(...parts: readonly number[]): GithubUser {
  const index = hash32(...parts) % LOGINS.length;
  const id = 3_000_001 + index;
  return { login: `${LOGINS[index] ?? 'octocat'}-sim`, id, node_id: nodeId('User', id), type: 'User', site_admin: false };
}

export function label(index: number): { id: number; node_id: string; name: string; color: string; default: boolean } {
  const id = 4_000_001 + index;
  return {
    id,
    node_id: nodeId('Label', id),
    name: LABELS[index] ?? 'triage',
    color: LABEL_COLORS[index] ?? 'ededed',
    default: index < 3,
  };
}
