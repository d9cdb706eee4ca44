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
 * The process's telemetry exports, process-wide like the SDK itself. A shutdown that runs out of
 * time gives up on the backend: exports still waiting fail at once (counted as failed exports,
 * like any other), and the ones the SDK still starts afterwards (the log processor flushes its
 * batches one by one) fail without a request, so nothing is left to hold the process open.
 */
class ExportGuard {
  private readonly pending = new Set<Settle>();
  private givenUp = false;

  /** A new SDK is starting (a new runtime in this process): exports go to the backend again. */
  reopen(): void {
    this.givenUp = false;
  }

  /**
   * Runs one export (`send` hands the batch to the real exporter with the callback it is given);
   * `onResult` gets the backend's result or, if the shutdown gave up first, a failure.
   */
  export(send: (settle: Settle) => void, onResult: Settle): void {
    if (this.givenUp) {
      onResult({ code: ExportResultCode.FAILED, error: new Error('telemetry shutdown gave up on the backend') });
      return;
    }
    let settled = false;
    const settle: Settle = (result) => {
      if (settled) return;
      settled = true;
      this.pending.delete(settle);
      onResult(result);
    };
    this.pending.add(settle);
    send(settle);
  }

  /** The exporter's flush, or nothing to wait for once the shutdown gave up. */
  forceFlush(flush: () => Promise<void>): Promise<void> {
    return this.givenUp ? Promise.resolve() : flush();
  }

  /** Gives up on the backend: fails every export still waiting; returns how many there were. */
  giveUp(reason: string): number {
    this.givenUp = true;
    const waiting = [...this.pending];
    for (const settle of waiting) settle({ code: ExportResultCode.FAILED, error: new Error(reason) });
    return waiting.length;
  }
}

export const exportGuard = new ExportGuard();
