import type { SourceRecord } from '../../../src/ports/records.js';

/* GitHub REST objects as the GitHub source hands them to the destination (extra fields included). */

const octocat = { login: 'octocat', id: 583231, node_id: 'MDQ6VXNlcjU4MzIzMQ==', type: 'User', site_admin: false };

export function repositoryRecord(id: number, name: string): SourceRecord {
  return {
    key: `octo/${name}`,
    entity: 'repository',
    data: {
      id,
      node_id: `R_${id}`,
      name,
      full_name: `octo/${name}`,
      private: id % 2 === 0,
      owner: { ...octocat, login: 'octo', type: 'Organization' },
      html_url: `https://github.com/octo/${name}`,
      default_branch: 'main',
      created_at: '2024-02-01T09:00:00Z',
      updated_at: '2026-11-20T17:30:00Z',
      topics: ['sync'],
    },
  };
}

export function pullRequestRecord(repo: string, number: number, overrides: Record<string, unknown> = {}): SourceRecord {
  return {
    key: `${repo}#${number}`,
    entity: 'pull_request',
    data: {
      id: 1_800_000_000 + number,
      node_id: `PR_${number}`,
      number,
      state: 'closed',
      locked: false,
      title: `Fix flaky test #${number}`,
      user: octocat,
      body: null,
      labels: [],
      draft: false,
      created_at: '2026-11-01T10:00:00Z',
      updated_at: '2026-11-02T11:00:00Z',
      closed_at: '2026-11-02T11:00:00Z',
      merged_at: '2026-11-02T11:00:00Z',
      head: { label: 'octo:fix', ref: `fix-${number}`, sha: 'a'.repeat(40) },
      base: { label: 'octo:main', ref: 'main', sha: 'b'.repeat(40) },
      html_url: `https://github.com/${repo}/pull/${number}`,
      repo_full_name: repo,
      ...overrides,
    },
  };
}

export function reviewRecord(repo: string, prNumber: number, id: number, overrides: Record<string, unknown> = {}): SourceRecord {
  return {
    key: `${repo}#${prNumber}/review-${id}`,
    entity: 'review',
    data: {
      id,
      node_id: `PRR_${id}`,
      user: { ...octocat, login: 'hubot' },
      body: 'LGTM',
      state: 'APPROVED',
      html_url: `https://github.com/${repo}/pull/${prNumber}#pullrequestreview-${id}`,
      commit_id: 'c'.repeat(40),
      submitted_at: '2026-11-02T10:30:00Z',
      repo_full_name: repo,
      pr_number: prNumber,
      pull_request_id: 1_800_000_000 + prNumber,
      ...overrides,
    },
  };
}

/** Drops `field` from a record's data, to make it invalid. */
export function without(record: SourceRecord, field: string): SourceRecord {
  const data = { ...record.data };
  delete data[field];
  return { ...record, data };
}
