import type { RunStatus } from '../ports/run-store.js';

export const EXIT = {
  success: 0,
  failures: 1,
  usage: 2,
  /** 128 + SIGINT, the shell convention for "stopped by Ctrl-C". */
  interrupted: 130,
} as const;

export function exitCodeOf(status: RunStatus): number {
  if (status === 'succeeded') return EXIT.success;
  if (status === 'interrupted') return EXIT.interrupted;
  return EXIT.failures;
}
