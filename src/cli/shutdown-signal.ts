/**
 * SIGINT/SIGTERM abort the returned signal: the run stops taking work, finishes or checkpoints
 * in-flight batches and exits. A second signal exits at once.
 */
export function abortOnSignals(onSecond: () => void = () => process.exit(130)): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) onSecond();
    else controller.abort(new Error(`received ${name}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
