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
  private shuttingDown = false;
  /** The last export failed because the collector refused the connection (nobody listens). */
  private refused = false;

  /** A new SDK is starting (a new runtime in this process): exports go to the backend again. */
  reopen(): void {
    this.givenUp = false;
    this.shuttingDown = false;
    this.refused = false;
  }

  /**
   * The SDK is flushing for exit. A collector that refuses connections has failed fast already:
   * waiting out the flush budget for the next batches would only cost the user seconds at every
   * exit (issue #10: ~5 s a CLI run), so a refusal seen before or during the flush gives up at once.
   * Returns whether it gave up now. A long-lived process keeps exporting through refusals until it
   * shuts down: the collector may just be restarting.
   */
  beginShutdown(): boolean {
    this.shuttingDown = true;
    if (this.refused) this.giveUp('the collector refused connections (ECONNREFUSED)');
    return this.refused;
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
      this.refused = result.code !== ExportResultCode.SUCCESS && isConnectionRefused(result.error);
      onResult(result);
      if (this.refused && this.shuttingDown && !this.givenUp) this.giveUp('the collector refused connections (ECONNREFUSED)');
    };
    this.pending.add(settle);
    send(settle);
  }

  /** The exporter's flush, or nothing to wait for once the shutdown gave up. */
  forceFlush(flush: () => Promise<void>): Promise<void> {
    return this.givenUp ? Promise.resolve() : flush();
  }

  /** The collector was found refusing connections (e.g. by a probe at shutdown): give up on it. */
  refuse(): boolean {
    this.refused = true;
    if (this.shuttingDown && !this.givenUp) this.giveUp('the collector refused connections (ECONNREFUSED)');
    return true;
  }

  /** Gives up on the backend: fails every export still waiting; returns how many there were. */
  giveUp(reason: string): number {
    this.givenUp = true;
    const waiting = [...this.pending];
    for (const settle of waiting) settle({ code: ExportResultCode.FAILED, error: new Error(reason) });
    return waiting.length;
  }
}

/** ECONNREFUSED anywhere in the error's cause chain (undici and node:http nest it differently). */
function isConnectionRefused(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as NodeJS.ErrnoException).code === 'ECONNREFUSED' || /ECONNREFUSED/.test(current.message)) return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}

export const exportGuard = new ExportGuard();
