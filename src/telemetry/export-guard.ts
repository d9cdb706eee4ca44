import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

/**
 * How long one OTLP export (a batch of spans or log records) may take, retries included, before
 * it counts as failed. Below the OpenTelemetry default (10 s) on purpose: at exit an export still
 * waiting holds the process open until this passes, so it is kept within the CLI's flush budget
 * (`Runtime.shutdown`, 5 s) and a dead collector cannot keep a finished sync from exiting.
 */
export const EXPORT_TIMEOUT_MS = 5000;

type Settle = (result: ExportResult) => void;

/**
 * Exports still waiting for the backend, process-wide like the SDK itself. A shutdown that runs out
 * of time fails them at once (counted as failed exports, like any other) instead of waiting for a
 * backend that may never answer; their late results are ignored.
 */
class PendingExports {
  private readonly pending = new Set<Settle>();

  /**
   * Wraps an export's completion: `onResult` runs once, with the backend's result or, if the
   * export is abandoned first, with a failure. Returns the callback to hand the real exporter.
   */
  track(onResult: Settle): Settle {
    let settled = false;
    const settle: Settle = (result) => {
      if (settled) return;
      settled = true;
      this.pending.delete(settle);
      onResult(result);
    };
    this.pending.add(settle);
    return settle;
  }

  /** Fails every export still waiting; returns how many there were. */
  abandonAll(reason: string): number {
    const waiting = [...this.pending];
    for (const settle of waiting) settle({ code: ExportResultCode.FAILED, error: new Error(reason) });
    return waiting.length;
  }
}

export const pendingExports = new PendingExports();
