import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('store open errors: one line naming the store and the cause', () => {
  const tmp = tempDir();
  afterAll(() => {
    chmodSync(join(tmp.dir, 'ro'), 0o755);
    tmp.cleanup();
  });

  it('a garbage file: exit 2, its path, "not a SQLite database"', async () => {
    const path = join(tmp.dir, 'garbage.db');
    writeFileSync(path, 'this is not a database, just some text long enough to be read as a header\n'.repeat(20));
    const result = await runCli(['runs', '--store', path]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(new RegExp(`run store ${path}: not a SQLite database`));
  });

  it('read-only commands (runs, status) work on a chmod 444 store in a read-only directory', async () => {
    const dir = join(tmp.dir, 'ro');
    mkdirSync(dir);
    const path = join(dir, 'syncscope.db');
    const store = new SqliteRunStore({ path });
    await store.migrate();
    await store.close();
    chmodSync(path, 0o444);
    chmodSync(dir, 0o555);
    const before = statSync(path).mtimeMs;
    const runs = await runCli(['runs', '--store', path]);
    expect(runs.code, runs.stderr).toBe(0);
    const status = await runCli(['status', '--store', path]);
    expect(status.code, status.stderr).not.toBe(2);
    expect(status.stderr).not.toMatch(/readonly|SqliteError/i);
    expect(statSync(path).mtimeMs, 'opened read-only: the file is untouched').toBe(before);
    // (A writing command on it cannot be shown here: the tests run as root, whom chmod does not stop.)
  });

  it('a missing directory: exit 2 naming the path', async () => {
    const path = join(tmp.dir, 'nowhere', 'deeper', 'syncscope.db');
    const result = await runCli(['runs', '--store', path]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(new RegExp(`run store ${path}: cannot be opened: its directory does not exist`));
  });

  it('an unreachable PostgreSQL: exit 1, host:port named, no password', async () => {
    const result = await runCli(['runs', '--store', 'postgres://syncscope:s3cretPassw0rd@127.0.0.1:1/syncscope']);
    expect(result.code).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toMatch(/run store postgres 127\.0\.0\.1:1: cannot connect \(ECONNREFUSED\)/);
    expect(result.stderr + result.stdout).not.toContain('s3cretPassw0rd');
  });
});
