import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, jsonLines, startCli, tempDir } from '../helpers/cli.js';

/** A collector that accepts connections and never answers: the worst kind of dead backend. */
async function startBlackHole(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nobody listens on: connections are refused. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface OutageRun {
  code: number | null;
  summary: { sync_id: string; trace_id: string; status: string; records: { synced: number; failed: number; pending: number } };
  events: Array<Record<string, unknown>>;
  /** From the summary on stdout to the process's exit: the telemetry flush and whatever holds the process. */
  msAfterSummary: number;
}

async function demoAgainst(endpoint: string, dir: string): Promise<OutageRun> {
  const child = startCli(['demo', '--json', '--repos', '3', '--prs-per-repo', '10', '--data-dir', dir, '--reports-dir', `${dir}/reports`], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
  });
  let summaryAt = 0;
  child.stdout?.once('data', () => (summaryAt = performance.now()));
  const result = await collect(child);
  return {
    code: result.code,
    summary: JSON.parse(result.stdout) as OutageRun['summary'],
    events: jsonLines(result.stderr),
    msAfterSummary: performance.now() - summaryAt,
  };
}

describe('a sync through a dead telemetry backend', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('completes every record when the collector refuses connections, and says the flush failed', async () => {
    const run = await demoAgainst(await refusedUrl(), `${tmp.dir}/refused`);
    expect(run.code).toBe(0);
    expect(run.summary.status).toBe('succeeded');
    expect(run.summary.records).toMatchObject({ synced: 30, failed: 0, pending: 0 });
    const problems = run.events.filter((e) => e.event === 'sync.telemetry.flush_failed');
    expect(problems).toHaveLength(1);
    expect(String(problems[0]!.message)).toMatch(/ECONNREFUSED|exceeded|abandoned/);
    // Refused connections fail fast: the exit does not wait out the 5 s flush budget.
    expect(run.msAfterSummary).toBeLessThan(2500);
    // The exit-time event belongs to the sync like every other line: found by its sync ID.
    for (const event of run.events) {
      expect(event, String(event.event)).toMatchObject({ sync_id: run.summary.sync_id, trace_id: run.summary.trace_id });
      expect(typeof event.timestamp).toBe('string');
      expect(typeof event.level).toBe('string');
    }
  });

  it('completes every record when the collector never answers, and exits soon after its flush budget', async () => {
    const hole = await startBlackHole();
    try {
      const run = await demoAgainst(hole.url, `${tmp.dir}/black-hole`);
      expect(run.code).toBe(0);
      expect(run.summary.records).toMatchObject({ synced: 30, failed: 0, pending: 0 });
      expect(hole.connections(), 'the exporter did try the collector').toBeGreaterThan(0);
      const problem = run.events.find((e) => e.event === 'sync.telemetry.flush_failed');
      expect(String(problem?.message)).toMatch(/telemetry flush exceeded 5000 ms; \d+ export\(s\) abandoned/);
      // The CLI's flush budget is 5 s; an abandoned export must not then hold the process for its
      // own 5 s timeout (or the exporter's retries) on top.
      expect(run.msAfterSummary).toBeLessThan(8000);
    } finally {
      await hole.close();
    }
  });
});
