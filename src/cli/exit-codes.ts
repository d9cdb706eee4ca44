import type { RunStatus } from '../ports/run-store.js';

export const EXIT = {
  success: 0,
  failures: 1,
  usage: 2,
  /** 128 + SIGINT, the shell convention for "stopped by Ctrl-C". */
  interrupted: 130,
} as const;

/** Exhaustive on purpose: a new status must choose its exit code here. */
const EXIT_OF: Record<RunStatus, number> = {
  succeeded: EXIT.success,
  partial: EXIT.failures,
  failed: EXIT.failures,
  interrupted: EXIT.interrupted,
  // Stopped on request (API, another process): not a success, resumable like an interruption.
  cancelled: EXIT.failures,
  running: EXIT.failures,
};

export function exitCodeOf(status: RunStatus): number {
  return EXIT_OF[status];
}
