import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { DeferredExporter, type ExporterModule } from '../../src/telemetry/deferred-exporter.js';

/** An exporter that records what it was given. */
function recordingExporter() {
  const batches: string[][] = [];
  const calls: string[] = [];
  return {
    batches,
    calls,
    export(items: string[], done: (result: ExportResult) => void) {
      batches.push(items);
      done({ code: ExportResultCode.SUCCESS });
    },
    async shutdown() {
      calls.push('shutdown');
    },
    async forceFlush() {
      calls.push('forceFlush');
    },
  };
}

const exportOf = (exporter: DeferredExporter<string>, items: string[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(items, resolve));

describe('DeferredExporter (the OTLP exporters imported on demand)', () => {
  it('hands a batch that came before the import finished to the exporter once it has', async () => {
    const real = recordingExporter();
    let finishImport!: (module: ExporterModule) => void;
    const importing = new Promise<ExporterModule>((resolve) => (finishImport = resolve));
    const exporter = new DeferredExporter<string>(() => real, () => importing);

    const early = exportOf(exporter, ['span-1', 'span-2']);
    await Promise.resolve();
    expect(real.batches).toEqual([]);
    finishImport({} as ExporterModule);
    expect((await early).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOf(exporter, ['span-3'])).code).toBe(ExportResultCode.SUCCESS);
    expect(real.batches).toEqual([['span-1', 'span-2'], ['span-3']]);

    await exporter.forceFlush();
    await exporter.shutdown();
    expect(real.calls).toEqual(['forceFlush', 'shutdown']);
  });

  it('fails each export with the import error when the exporters cannot load, and still shuts down', async () => {
    const exporter = new DeferredExporter<string>(() => recordingExporter(), () => Promise.reject(new Error('Cannot find module otlp-exporters')));
    const first = await exportOf(exporter, ['span-1']);
    const second = await exportOf(exporter, ['span-2']);
    for (const result of [first, second]) {
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect(result.error?.message).toBe('Cannot find module otlp-exporters');
    }
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
    await expect(exporter.shutdown()).resolves.toBeUndefined();
  });

  it('fails each export with the error of an exporter that throws on construction', async () => {
    const exporter = new DeferredExporter<string>(() => {
      throw new Error('Invalid URL: not-a-url');
    }, async () => ({}) as ExporterModule);
    const result = await exportOf(exporter, ['span-1']);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('Invalid URL: not-a-url');
    await expect(exporter.shutdown()).resolves.toBeUndefined();
  });

  it('loads the real OTLP/HTTP exporters by default', async () => {
    const { deferredTraceExporter } = await import('../../src/telemetry/deferred-exporter.js');
    // Nobody listens on port 1: the real exporter's request is refused (not an import error).
    const exporter = deferredTraceExporter({ url: 'http://127.0.0.1:1/v1/traces', timeoutMillis: 500 });
    const result = await new Promise<ExportResult>((resolve) => exporter.export([], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(`${result.error?.message} ${JSON.stringify(result.error)}`).toMatch(/ECONNREFUSED/);
    await exporter.shutdown();
  });
});
