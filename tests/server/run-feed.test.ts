import { describe, expect, it } from 'vitest';
import type { RunStatusView } from '../../src/reports/run-status-types.js';
import { queuedRunStatus } from '../../src/reports/run-status.js';
import { RunFeedHub } from '../../src/server/run-feed.js';

function view(percent: number, live = true, status: RunStatusView['status'] = 'running'): RunStatusView {
  const base = queuedRunStatus({ syncId: '202611231405-SYNC-7AC96AF9', pipeline: 'p', organization: 'acme', execute: false, state: 'waiting', error: null }, 0);
  return {
    ...base,
    status,
    live,
    progress: { ...base.progress, percent },
    partitions: [{ key: 'o/a', kind: 'repo', status: percent >= 100 ? 'succeeded' : 'running', mark: '', records: { synced: percent, failed: 0, skipped: 0, pending: 0, total: percent }, expected_records: 100, percent, duration_ms: null, error_category: null, error_message: null }],
  };
}

function subscriber() {
  const events: string[] = [];
  let ended = false;
  return { s: { send: (e: string) => events.push(e), end: () => (ended = true) }, events, ended: () => ended, names: () => events.map((e) => /^event: (.+)$/m.exec(e)?.[1]) };
}

describe('RunFeedHub', () => {
  it('reads each run once per tick whatever the number of subscribers, and sends them the same frames', async () => {
    const loads: string[] = [];
    let percent = 0;
    const hub = new RunFeedHub({ pollMs: 20, load: async (key) => (loads.push(key), view((percent += 25), percent < 100, percent < 100 ? 'running' : 'succeeded')) });
    const subs = Array.from({ length: 100 }, () => subscriber());
    for (const sub of subs) hub.subscribe('run-1', sub.s);
    expect(hub.feedCount()).toBe(1);
    for (let i = 0; i < 500 && !subs.every((x) => x.ended()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(loads).toEqual(['run-1', 'run-1', 'run-1', 'run-1']);
    expect(subs.every((s) => s.ended())).toBe(true);
    expect(new Set(subs.map((s) => s.events.join('')))).toHaveProperty('size', 1);
    expect(subs[0]!.names()).toEqual(['status', 'progress', 'partition', 'progress', 'partition', 'progress', 'status', 'partition', 'progress', 'end']);
    expect(hub.feedCount()).toBe(0);
  });

  it('gives a late subscriber the latest status and progress at once, and stops polling when the last one leaves', async () => {
    let loads = 0;
    const hub = new RunFeedHub({ pollMs: 10, load: async () => (loads++, view(10)) });
    const first = subscriber();
    const leaveFirst = hub.subscribe('run-1', first.s);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const late = subscriber();
    const leaveLate = hub.subscribe('run-1', late.s);
    expect(late.names()).toEqual(['status', 'progress']);
    leaveFirst();
    leaveLate();
    const after = loads;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loads - after).toBeLessThanOrEqual(1);
    expect(hub.feedCount()).toBe(0);
  });

  it('tells subscribers when the store cannot be read, and keeps going', async () => {
    let calls = 0;
    const failures: unknown[] = [];
    const hub = new RunFeedHub({
      pollMs: 10,
      load: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database is locked');
        return view(100, false, 'succeeded');
      },
      onLoadFailed: (_key, e) => failures.push(e),
    });
    const sub = subscriber();
    hub.subscribe('run-1', sub.s);
    for (let i = 0; i < 500 && !sub.ended(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(failures).toHaveLength(1);
    expect(sub.names()).toEqual(['stream_error', 'status', 'progress', 'end']);
    expect(sub.events.join('')).not.toContain('database is locked');
  });
});
