import { Writable } from 'node:stream';
import type { RunProgress } from '../../ports/progress.js';

const REDRAW_EVERY_MS = 100;

/**
 * A one-line progress bar on a terminal's stderr. Log lines go through `logStream()`, which
 * clears the bar, writes the line and redraws it, so the two never garble each other.
 */
export class TerminalProgressBar {
  private line = '';
  private done = false;
  private lastDraw = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(progress: RunProgress): void {
    if (this.done) return;
    this.line = this.format(progress);
    if (progress.finished) {
      this.finish();
      return;
    }
    const now = Date.now();
    const finished = progress.partitionsTotal > 0 && progress.partitionsDone === progress.partitionsTotal;
    if (now - this.lastDraw < REDRAW_EVERY_MS && !finished) return;
    this.lastDraw = now;
    this.draw();
  }

  /** Where log lines go while the bar is shown. */
  logStream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.clear();
        this.out.write(chunk);
        this.draw();
        done();
      },
    });
  }

  /** Leaves the final state of the bar on its own line; later log lines print plainly. */
  finish(): void {
    this.done = true;
    if (!this.line) return;
    this.clear();
    this.out.write(`${this.line}\n`);
    this.line = '';
  }

  private draw(): void {
    if (this.line) this.out.write(`\r${this.line}`);
  }

  private clear(): void {
    if (this.line) this.out.write('\r\x1b[2K');
  }

  private format(p: RunProgress): string {
    const width = Math.max(10, Math.min(30, (this.out.columns ?? 80) - 70));
    const share = p.partitionsTotal > 0 ? p.partitionsDone / p.partitionsTotal : 0;
    const filled = Math.round(share * width);
    const seconds = (Date.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? Math.round(p.recordsDone / seconds) : 0;
    const failed = p.recordsFailed > 0 ? ` (${p.recordsFailed.toLocaleString('en-US')} failed)` : '';
    const elapsed = `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
    return `  ▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏ ${p.partitionsDone}/${p.partitionsTotal} partitions · ${p.recordsDone.toLocaleString('en-US')} records${failed} · ${rate.toLocaleString('en-US')}/s · ${elapsed}`;
  }
}
