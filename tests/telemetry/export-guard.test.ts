import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { exportGuard } from '../../src/telemetry/export-guard.js';

describe('exportGuard (exports at shutdown)', () => {
  afterEach(() => exportGuard.reopen());

  it('passes the backend result through, once', () => {
    const results: ExportResult[] = [];
    let backend: ((r: ExportResult) => void) | undefined;
    exportGuard.export((settle) => (backend = settle), (r) => results.push(r));
    backend?.({ code: ExportResultCode.SUCCESS });
    backend?.({ code: ExportResultCode.FAILED });
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS]);
  });

  it('fails exports still waiting when the shutdown gives up, and ignores their late answers', () => {
    const results: ExportResult[] = [];
    const backends: Array<(r: ExportResult) => void> = [];
    for (let i = 0; i < 3; i++) exportGuard.export((settle) => backends.push(settle), (r) => results.push(r));
    expect(exportGuard.giveUp('flush budget spent')).toBe(3);
    for (const answer of backends) answer({ code: ExportResultCode.SUCCESS });
    expect(results.map((r) => [r.code, r.error?.message])).toEqual(Array(3).fill([ExportResultCode.FAILED, 'flush budget spent']));
  });

  it('after giving up, fails new exports without sending them and does not wait on flushes, until reopened', async () => {
    exportGuard.giveUp('gone');
    let sent = 0;
    const results: ExportResult[] = [];
    exportGuard.export(() => (sent += 1), (r) => results.push(r));
    expect(sent).toBe(0);
    expect(results[0]?.code).toBe(ExportResultCode.FAILED);
    await expect(exportGuard.forceFlush(() => new Promise<void>(() => {}))).resolves.toBeUndefined();
    exportGuard.reopen();
    exportGuard.export(() => (sent += 1), () => {});
    expect(sent).toBe(1);
  });
});
