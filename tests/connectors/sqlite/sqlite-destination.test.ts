import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDestination } from '../../../src/connectors/sqlite/sqlite-destination.js';
import { SyncError } from '../../../src/errors/sync-error.js';
import type { Partition } from '../../../src/ports/records.js';
import { pullRequestRecord, repositoryRecord, reviewRecord, without } from './github-fixtures.js';

const partition: Partition = { key: 'octo/api', kind: 'repo' };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A destination on a fresh file; `now` is mutable so each write can get its own synced_at. */
function open(): { destination: SqliteDestination; path: string; clock: { now: () => number; at: string } } {
  const dir = mkdtempSync(join(tmpdir(), 'syncscope-dest-'));
  const path = join(dir, 'github.db');
  const clock = { at: '2026-11-23T14:05:00.000Z', now: () => Date.parse(clock.at) };
  const destination = new SqliteDestination({ path, clock });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => destination.close());
  return { destination, path, clock };
}

function query(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** From another connection, as an operator might: a trigger that rejects pull request 13. */
function addTrigger(path: string, action: 'ABORT' | 'ROLLBACK'): void {
  const db = new Database(path);
  try {
    db.exec(`CREATE TRIGGER no_13 BEFORE INSERT ON pull_requests WHEN NEW.number = 13
      BEGIN SELECT RAISE(${action}, 'no pull request 13 here'); END`);
  } finally {
    db.close();
  }
}

const batch = [
  repositoryRecord(101, 'api'),
  pullRequestRecord('octo/api', 1),
  pullRequestRecord('octo/api', 2, { state: 'open', closed_at: null, merged_at: null, draft: true }),
  reviewRecord('octo/api', 1, 9001),
  reviewRecord('octo/api', 1, 9002, { state: 'CHANGES_REQUESTED', user: { login: 'monalisa' } }),
];

describe('SqliteDestination', () => {
  it('is named sqlite', () => {
    expect(open().destination.name).toBe('sqlite');
  });

  it('creates rows on the first write and updates the same rows when the batch is replayed', async () => {
    const { destination, path, clock } = open();
    const first = await destination.writeBatch(partition, batch);
    expect(first).toEqual({
      created: 5,
      updated: 0,
      failures: [],
      externalIds: {
        'octo/api': '101',
        'octo/api#1': '1800000001',
        'octo/api#2': '1800000002',
        'octo/api#1/review-9001': '9001',
        'octo/api#1/review-9002': '9002',
      },
    });

    clock.at = '2026-11-23T15:00:00.000Z';
    const retitled = pullRequestRecord('octo/api', 1, { title: 'Fix flaky test (retitled)' });
    const second = await destination.writeBatch(partition, [...batch.slice(0, 1), retitled, ...batch.slice(2)]);
    expect(second).toMatchObject({ created: 0, updated: 5, failures: [] });
    expect(destination.counts()).toEqual({ repositories: 1, pullRequests: 2, reviews: 2 });
    expect(destination.duplicatePullRequests()).toBe(0);
    expect(query(path, 'SELECT title, synced_at FROM pull_requests WHERE number = 1')).toEqual([
      { title: 'Fix flaky test (retitled)', synced_at: '2026-11-23T15:00:00.000Z' },
    ]);
  });

  it('stores the fields each table needs', async () => {
    const { destination, path } = open();
    await destination.writeBatch(partition, batch);
    expect(query(path, 'SELECT * FROM repositories')).toEqual([{
      github_id: 101, full_name: 'octo/api', name: 'api', owner: 'octo', private: 0, default_branch: 'main',
      html_url: 'https://github.com/octo/api', created_at: '2024-02-01T09:00:00Z', updated_at: '2026-11-20T17:30:00Z',
      synced_at: '2026-11-23T14:05:00.000Z',
    }]);
    expect(query(path, 'SELECT * FROM pull_requests WHERE number = 2')).toEqual([{
      github_id: 1800000002, repo_full_name: 'octo/api', number: 2, title: 'Fix flaky test #2', state: 'open', draft: 1,
      author: 'octocat', created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-02T11:00:00Z', closed_at: null,
      merged_at: null, head_ref: 'fix-2', base_ref: 'main', html_url: 'https://github.com/octo/api/pull/2',
      synced_at: '2026-11-23T14:05:00.000Z',
    }]);
    expect(query(path, 'SELECT * FROM reviews ORDER BY github_id')).toEqual([
      { github_id: 9001, pull_request_github_id: 1800000001, repo_full_name: 'octo/api', pr_number: 1, reviewer: 'hubot', state: 'APPROVED', submitted_at: '2026-11-02T10:30:00Z', synced_at: '2026-11-23T14:05:00.000Z' },
      { github_id: 9002, pull_request_github_id: 1800000001, repo_full_name: 'octo/api', pr_number: 1, reviewer: 'monalisa', state: 'CHANGES_REQUESTED', submitted_at: '2026-11-02T10:30:00Z', synced_at: '2026-11-23T14:05:00.000Z' },
    ]);
  });

  it('rejects invalid records one by one and writes the rest of the batch', async () => {
    const { destination } = open();
    const result = await destination.writeBatch(partition, [
      pullRequestRecord('octo/api', 1),
      without(pullRequestRecord('octo/api', 2), 'number'),
      without(pullRequestRecord('octo/api', 3), 'id'),
      pullRequestRecord('octo/api', 4, { head: {} }),
      reviewRecord('octo/api', 1, 9001, { pull_request_id: 'not-a-number' }),
      { key: 'octo/api#issue-7', entity: 'issue', data: { id: 7 } },
      reviewRecord('octo/api', 1, 9002),
    ]);

    expect(result.created).toBe(2);
    expect(result.updated).toBe(0);
    expect(Object.keys(result.externalIds ?? {})).toEqual(['octo/api#1', 'octo/api#1/review-9002']);
    expect(result.failures.map((f) => [f.key, f.category])).toEqual([
      ['octo/api#2', 'VALIDATION_ERROR'],
      ['octo/api#3', 'VALIDATION_ERROR'],
      ['octo/api#4', 'VALIDATION_ERROR'],
      ['octo/api#1/review-9001', 'VALIDATION_ERROR'],
      ['octo/api#issue-7', 'VALIDATION_ERROR'],
    ]);
    const messages = result.failures.map((f) => f.message);
    expect(messages.slice(0, 3)).toEqual([
      'invalid pull_request octo/api#2: missing number',
      'invalid pull_request octo/api#3: missing id',
      'invalid pull_request octo/api#4: missing head.ref',
    ]);
    expect(messages[3]).toMatch(/^invalid review octo\/api#1\/review-9001: pull_request_id: .*expected number/);
    expect(messages[4]).toBe('unknown entity "issue": the sqlite destination writes repository, pull_request, review');
    expect(destination.counts()).toEqual({ repositories: 0, pullRequests: 1, reviews: 1 });
  });

  it('accepts what GitHub leaves null or out: deleted authors, missing draft, pending reviews', async () => {
    const { destination } = open();
    const result = await destination.writeBatch(partition, [
      without(pullRequestRecord('octo/api', 1, { user: null }), 'draft'),
      reviewRecord('octo/api', 1, 9001, { state: 'PENDING', submitted_at: undefined, user: null }),
    ]);
    expect(result).toMatchObject({ created: 2, updated: 0, failures: [] });
  });

  it('counts a record repeated within one batch once as created, then as updated', async () => {
    const { destination } = open();
    const result = await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1), pullRequestRecord('octo/api', 1)]);
    expect(result).toMatchObject({ created: 1, updated: 1, failures: [] });
    expect(destination.counts().pullRequests).toBe(1);
  });

  it('fails a pull request that reuses a stored repository and number as CONFLICT, alone', async () => {
    const { destination } = open();
    await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1)]);
    const result = await destination.writeBatch(partition, [
      { ...pullRequestRecord('octo/api', 1, { id: 42 }), key: 'octo/api#1-reused' },
      pullRequestRecord('octo/api', 2),
    ]);
    expect(result.created).toBe(1);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ key: 'octo/api#1-reused', category: 'CONFLICT' });
    expect(destination.counts().pullRequests).toBe(2);
    expect(destination.duplicatePullRequests()).toBe(0);
  });

  it('counts created and updated per batch from the rows stored before it, across entities', async () => {
    const { destination } = open();
    await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1), reviewRecord('octo/api', 1, 9001)]);
    const result = await destination.writeBatch(partition, [
      pullRequestRecord('octo/api', 2),
      reviewRecord('octo/api', 1, 9001, { state: 'DISMISSED' }),
      pullRequestRecord('octo/api', 1, { title: 'retitled' }),
      reviewRecord('octo/api', 2, 9002),
      pullRequestRecord('octo/api', 2, { title: 'edited within the batch' }),
      repositoryRecord(101, 'api'),
    ]);
    expect(result).toMatchObject({ created: 3, updated: 3, failures: [] });
    expect(result.externalIds).toEqual({
      'octo/api#2': '1800000002', 'octo/api#1/review-9001': '9001', 'octo/api#1': '1800000001', 'octo/api#2/review-9002': '9002', 'octo/api': '101',
    });
    expect(destination.counts()).toEqual({ repositories: 1, pullRequests: 2, reviews: 2 });
  });

  it('fails a record that breaks a constraint mid-batch alone: the records before and after it are written and counted', async () => {
    const { destination, path } = open();
    await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1), pullRequestRecord('octo/api', 5)]);
    const result = await destination.writeBatch(partition, [
      pullRequestRecord('octo/api', 2),
      pullRequestRecord('octo/api', 5, { title: 'updated' }),
      { ...pullRequestRecord('octo/api', 1, { id: 42 }), key: 'octo/api#1-reused' },
      pullRequestRecord('octo/api', 3),
      { ...pullRequestRecord('octo/api', 3, { id: 43 }), key: 'octo/api#3-reused' },
      pullRequestRecord('octo/api', 4),
    ]);
    expect(result.failures.map((f) => [f.key, f.category])).toEqual([['octo/api#1-reused', 'CONFLICT'], ['octo/api#3-reused', 'CONFLICT']]);
    expect(result.failures[0]?.message).toMatch(/^pull_request octo\/api#1-reused \(GitHub id 42\) conflicts with a stored row: UNIQUE constraint failed/);
    expect(result).toMatchObject({ created: 3, updated: 1 });
    expect(Object.keys(result.externalIds ?? {}).sort()).toEqual(['octo/api#2', 'octo/api#3', 'octo/api#4', 'octo/api#5']);
    expect(query(path, 'SELECT github_id, number, title FROM pull_requests ORDER BY number')).toEqual([
      { github_id: 1800000001, number: 1, title: 'Fix flaky test #1' },
      { github_id: 1800000002, number: 2, title: 'Fix flaky test #2' },
      { github_id: 1800000003, number: 3, title: 'Fix flaky test #3' },
      { github_id: 1800000004, number: 4, title: 'Fix flaky test #4' },
      { github_id: 1800000005, number: 5, title: 'updated' },
    ]);
  });

  it('writes 300 records in a few multi-row statements and, when one breaks a constraint, only its statement\'s rows one by one', async () => {
    const { destination, path } = open();
    await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1000)]);
    const records = Array.from({ length: 300 }, (_, i) => pullRequestRecord('octo/api', i + 1));
    records[289] = { ...pullRequestRecord('octo/api', 1000, { id: 7 }), key: 'octo/api#1000-reused' };
    const result = await destination.writeBatch(partition, records);
    expect(result.failures.map((f) => [f.key, f.category])).toEqual([['octo/api#1000-reused', 'CONFLICT']]);
    expect(result).toMatchObject({ created: 299, updated: 0 });
    expect(Object.keys(result.externalIds ?? {})).toHaveLength(299);
    expect(query(path, 'SELECT COUNT(*) AS n, MIN(number) AS first, MAX(number) AS last FROM pull_requests WHERE number < 1000')).toEqual([{ n: 299, first: 1, last: 300 }]);
    expect(query(path, 'SELECT github_id FROM pull_requests WHERE number = 1000')).toEqual([{ github_id: 1800001000 }]);
  });

  it('fails a record the database rejects (a trigger aborting its statement) alone, and the batch goes on', async () => {
    const { destination, path } = open();
    addTrigger(path, 'ABORT');
    const result = await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1), pullRequestRecord('octo/api', 13), pullRequestRecord('octo/api', 14)]);
    expect(result.failures).toEqual([{ key: 'octo/api#13', category: 'CONFLICT', message: expect.stringContaining('no pull request 13 here') }]);
    expect(result).toMatchObject({ created: 2, updated: 0 });
    expect(destination.counts().pullRequests).toBe(2);
  });

  it('fails the whole batch, writing none of it, when a failure ends the transaction', async () => {
    const { destination, path } = open();
    await destination.writeBatch(partition, [pullRequestRecord('octo/api', 1)]);
    addTrigger(path, 'ROLLBACK');
    const records = [pullRequestRecord('octo/api', 2), pullRequestRecord('octo/api', 13), pullRequestRecord('octo/api', 14)];
    const error = await destination.writeBatch(partition, records).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ message: expect.stringMatching(/^sqlite destination: writing 3 records of octo\/api failed: no pull request 13 here/) });
    expect(query(path, 'SELECT number FROM pull_requests')).toEqual([{ number: 1 }]);
    // The connection is usable again afterwards.
    expect(await destination.writeBatch(partition, [pullRequestRecord('octo/api', 3)])).toMatchObject({ created: 1, failures: [] });
  });

  it('writes a batch larger than SQLite\'s bound-parameter limit (32,766) in one transaction', async () => {
    const { destination } = open();
    const records = Array.from({ length: 33_000 }, (_, i) => pullRequestRecord('octo/api', i + 1));
    await destination.writeBatch(partition, records.slice(-100));
    expect(await destination.writeBatch(partition, records)).toMatchObject({ created: 32_900, updated: 100, failures: [] });
    expect(destination.counts().pullRequests).toBe(33_000);
  });

  it('stores a repo partition\'s repository from its metadata, once however often it is prepared', async () => {
    const { destination, path } = open();
    const metadata = repositoryRecord(101, 'api').data;
    await destination.preparePartition({ ...partition, metadata });
    await destination.preparePartition({ ...partition, metadata: { ...metadata, default_branch: 'trunk' } });
    await destination.preparePartition(partition);
    await destination.preparePartition({ key: 'PELOTON', kind: 'customer', metadata: { id: 7 } });
    expect(destination.counts()).toEqual({ repositories: 1, pullRequests: 0, reviews: 0 });
    expect(query(path, 'SELECT full_name, default_branch FROM repositories')).toEqual([{ full_name: 'octo/api', default_branch: 'trunk' }]);
  });

  it('fails preparing a partition whose repository metadata is invalid, as VALIDATION_ERROR', async () => {
    const { destination } = open();
    const metadata = without(repositoryRecord(101, 'api'), 'full_name').data;
    const error = await destination.preparePartition({ ...partition, metadata }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ category: 'VALIDATION_ERROR', message: 'sqlite destination: repository octo/api is invalid: missing full_name' });
  });

  it('keeps its rows and migrates once when the file is opened again', async () => {
    const { destination, path } = open();
    await destination.writeBatch(partition, batch);
    await destination.close();
    const again = new SqliteDestination({ path });
    try {
      expect(again.counts()).toEqual({ repositories: 1, pullRequests: 2, reviews: 2 });
      expect(query(path, 'SELECT version FROM destination_migrations')).toEqual([{ version: 1 }]);
      expect(query(path, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    } finally {
      await again.close();
    }
  });
});
