import { exitWhenDone } from '../../src/cli/exit-when-done.js';

/**
 * Runs a bench worker's `main` and exits as the CLI does (a telemetry export the shutdown gave up
 * on does not hold the process); a failure prints its stack and exits 1. The workers are bundled
 * as CommonJS (packaging/bundle-cli.ts), which has no top-level await.
 */
export function runWorkerMain(main: () => Promise<void>): void {
  main().then(
    () => exitWhenDone(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      exitWhenDone(1);
    },
  );
}
