import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, OtlpReceiver } from '../helpers/otlp-receiver.js';
import { jsonLines, runCli, tempDir } from '../helpers/cli.js';

describe('OTLP log shipping', () => {
  const receiver = new OtlpReceiver();
  const tmp = tempDir();
  let summary: { sync_id: string; trace_id: string };
  let stderrEvents: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const result = await runCli(['demo', '--json', '--repos', '3', '--prs-per-repo', '10', '--data-dir', tmp.dir, '--reports-dir', `${tmp.dir}/reports`], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout);
    stderrEvents = jsonLines(result.stderr);
  });

  afterAll(async () => {
    await receiver.stop();
    tmp.cleanup();
  });

  it('exports every event as an OTLP log record while stderr keeps its JSON lines', () => {
    expect(receiver.logs.length).toBe(stderrEvents.length);
    const exported = receiver.logs.map((l) => l.body?.stringValue).sort();
    expect(exported).toEqual(stderrEvents.map((e) => String(e.event)).sort());
    for (const log of receiver.logs) expect(attr(log, 'sync_id')).toBe(summary.sync_id);
  });

  it('gives each log record the trace ID and span ID of the span it was emitted in', () => {
    for (const log of receiver.logs) expect(log.traceId).toBe(summary.trace_id);
    const repoSpans = receiver.spans.filter((s) => s.name === 'sync.repo');
    const repoLogs = receiver.logs.filter((l) => l.body?.stringValue === 'sync.repo.completed');
    expect(repoLogs).toHaveLength(3);
    for (const log of repoLogs) {
      const span = repoSpans.find((s) => s.spanId === log.spanId);
      expect(span, 'log span id is a sync.repo span').toBeDefined();
      expect(attr(span!, 'sync.repo')).toBe(attr(log, 'repo'));
    }
    const root = receiver.spans.find((s) => s.name === 'sync.pipeline')!;
    const started = receiver.logs.find((l) => l.body?.stringValue === 'sync.pipeline.started')!;
    expect(started.spanId).toBe(root.spanId);
  });
});
