import { connect } from 'node:net';

/**
 * Whether nobody listens at the collector's address: a TCP connect refused outright (ECONNREFUSED).
 * OTLP exporters treat a refusal as retryable and back off for seconds; at exit that is only the
 * user waiting, so the shutdown asks once, cheaply, and gives up on a refusing collector at once.
 * Anything else (accepted, slow, unresolvable) answers false: the flush budget handles those.
 */
export function collectorRefuses(url: string, timeoutMs = 500): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (refused: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(refused);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    socket.once('connect', () => done(false));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });
}
