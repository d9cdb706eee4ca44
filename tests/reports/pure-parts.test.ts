import { describe, expect, it } from 'vitest';
import { PartitionFileNamer } from '../../src/reports/file-names.js';
import { grafanaLinks, lokiQuery } from '../../src/reports/grafana-links.js';
import { formatDelta, mdTable } from '../../src/reports/markdown.js';
import { partitionMark, runStatusMark } from '../../src/reports/status-marks.js';
import { computeTimeBreakdown } from '../../src/reports/time-breakdown.js';

describe('status marks', () => {
  it('marks a run by its status', () => {
    expect(['succeeded', 'partial', 'failed', 'interrupted', 'running'].map((s) => runStatusMark(s as never))).toEqual(['✅', '⚠️', '❌', '⏸', '⏳']);
  });

  it('marks a partition from its status and counts: any failed record or batch is ❌, unfinished without failures ⏸', () => {
    expect(partitionMark({ status: 'succeeded', recordsFailed: 0, batchesFailed: 0 })).toBe('✅');
    expect(partitionMark({ status: 'succeeded', recordsFailed: 3, batchesFailed: 0 })).toBe('❌');
    expect(partitionMark({ status: 'succeeded', recordsFailed: 0, batchesFailed: 1 })).toBe('❌');
    expect(partitionMark({ status: 'failed', recordsFailed: 0, batchesFailed: 0 })).toBe('❌');
    expect(partitionMark({ status: 'pending', recordsFailed: 0, batchesFailed: 0 })).toBe('⏸');
    expect(partitionMark({ status: 'interrupted', recordsFailed: 0, batchesFailed: 0 })).toBe('⏸');
    expect(partitionMark({ status: 'interrupted', recordsFailed: 1, batchesFailed: 0 })).toBe('❌');
  });
});

describe('time breakdown', () => {
  it('names rate-limit waiting when it dominates, and leaves the rest as "other"', () => {
    const t = computeTimeBreakdown({ wallMs: 60_000, apiMs: 10_000, apiCalls: 100, rateLimitWaitMs: 45_000, destinationMs: 1000 });
    expect(t).toMatchObject({ wall_ms: 60_000, other_ms: 4000, dominant: 'rate_limit_wait', api_is_cumulative: true });
    expect(t.explanation).toContain('rate-limit waits: 45.0 s (75% of 1 min 0 s wall time)');
  });

  it('says API time is cumulative when concurrent calls add up past the wall time, and never makes "other" negative', () => {
    const t = computeTimeBreakdown({ wallMs: 10_000, apiMs: 80_000, apiCalls: 400, rateLimitWaitMs: 0, destinationMs: 2000 });
    expect(t).toMatchObject({ other_ms: 0, dominant: 'api' });
    expect(t.explanation).toBe('Most time went to API calls: 400 calls took 1 min 20 s in total (avg 200 ms per call), of 10.0 s wall time; calls overlapped, so the run was bound by API latency.');
  });

  it('handles destination-bound and empty runs', () => {
    expect(computeTimeBreakdown({ wallMs: 5000, apiMs: 500, apiCalls: 5, rateLimitWaitMs: 0, destinationMs: 4000 }).dominant).toBe('destination');
    expect(computeTimeBreakdown({ wallMs: 0, apiMs: 0, apiCalls: 0, rateLimitWaitMs: 0, destinationMs: 0 })).toMatchObject({ dominant: null, explanation: 'No time was recorded.' });
    // Concurrent partitions' writes add up past the wall time: no "302% of wall time".
    const overlapped = computeTimeBreakdown({ wallMs: 4900, apiMs: 6800, apiCalls: 46, rateLimitWaitMs: 0, destinationMs: 14_900 });
    expect(overlapped.dominant).toBe('destination');
    expect(overlapped.explanation).toBe('Most time went to destination writes: 14.9 s in total, 3.0× the 4.9 s wall time, because partitions wrote at the same time; the run was bound by the destination.');
    expect(overlapped.explanation).not.toMatch(/\d{3}%/);
  });
});

describe('Grafana links', () => {
  const input = { serviceName: 'syncscope', syncId: '202611231405-SYNC-7AC96AF9', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', startedAt: '2026-11-23T14:05:00.000Z', finishedAt: '2026-11-23T14:06:00.000Z' };

  it('are absent without SYNCSCOPE_GRAFANA_URL', () => {
    expect(grafanaLinks({ ...input, grafanaUrl: undefined })).toEqual({ trace: null, logs: null });
  });

  it('open Explore on the Tempo trace and the Loki query of the sync, around the run', () => {
    const links = grafanaLinks({ ...input, grafanaUrl: 'https://grafana.example.com/' });
    const pane = (url: string | null) => {
      const u = new URL(url!);
      expect(u.origin + u.pathname).toBe('https://grafana.example.com/explore');
      return Object.values(JSON.parse(u.searchParams.get('panes')!) as Record<string, any>)[0];
    };
    const trace = pane(links.trace);
    expect(trace.queries[0]).toMatchObject({ datasource: { type: 'tempo', uid: 'tempo' }, query: input.traceId });
    const logs = pane(links.logs);
    expect(logs.queries[0]).toMatchObject({ datasource: { type: 'loki', uid: 'loki' }, expr: '{service_name="syncscope"} | sync_id="202611231405-SYNC-7AC96AF9"' });
    expect(Number(logs.range.from)).toBeLessThan(Date.parse(input.startedAt));
    expect(Number(logs.range.to)).toBeGreaterThan(Date.parse(input.finishedAt));
  });

  it('escapes quotes in the LogQL', () => {
    expect(lokiQuery('a"b', 'x')).toBe('{service_name="a\\"b"} | sync_id="x"');
  });
});

describe('partition file names', () => {
  it('are safe, stable and unique, also case-insensitively', () => {
    const namer = new PartitionFileNamer();
    expect(namer.stem('octo/web')).toBe('octo__web');
    expect(namer.stem('ACME Corp: EU/..')).toBe('ACME_Corp__EU__..');
    expect(namer.stem('../etc/passwd')).toBe('___etc__passwd');
    const clash = namer.stem('Octo/Web');
    expect(clash).toMatch(/^Octo__Web-[0-9a-f]{8}$/);
    expect(namer.stem('x'.repeat(300))).toMatch(/^x{120}-[0-9a-f]{8}$/);
    expect(new PartitionFileNamer().stem('Octo/Web')).toBe('Octo__Web');
  });
});

describe('markdown helpers', () => {
  it('keeps a table intact when a cell holds a pipe or a newline', () => {
    expect(mdTable(['a', 'b'], [['x | y', 'line\nbreak']], ['left', 'right'])).toBe('| a | b |\n| --- | ---: |\n| x \\| y | line break |');
  });

  it('formats deltas with their sign', () => {
    expect([formatDelta(12), formatDelta(-3), formatDelta(0), formatDelta(null), formatDelta(-1500, 'ms'), formatDelta(1234)]).toEqual(['+12', '−3', '±0', '—', '−1.5 s', '+1,234']);
  });
});
