import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** The Debian binaries of the metrics stack (`.ci/run` installs them). */
export const STACK_BINARIES = {
  prometheus: 'prometheus',
  pushgateway: 'prometheus-pushgateway',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'amtool',
} as const;

export function binaryAvailable(binary: string): boolean {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

/** A port nothing listens on right now (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface LocalService {
  name: string;
  url: string;
  port: number;
  /** What the process printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-lived binary and waits until `readyPath` answers 200. The returned `stop` sends
 * SIGTERM, then SIGKILL after 5 s, and resolves once the process is gone.
 */
export async function startService(
  name: string,
  command: string,
  args: string[],
  port: number,
  readyPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalService> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const service: LocalService = { name, url, port, output: () => output, stop: () => stopChild(child) };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${output}`);
    const ok = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return service;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${name} not ready on ${url}${readyPath} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** An in-memory Pushgateway (Debian's build persists to /var/lib/prometheus by default). */
export async function startPushgateway(): Promise<LocalService> {
  const port = await freePort();
  return startService('pushgateway', STACK_BINARIES.pushgateway, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], port, '/-/ready');
}

/** A TCP server that accepts connections and never answers: a hung backend. */
export async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Prometheus on a loopback port with its TSDB in `dataDir` (never Debian's default path). */
export async function startPrometheus(configFile: string, dataDir: string, port?: number): Promise<LocalService> {
  port ??= await freePort();
  return startService('prometheus', STACK_BINARIES.prometheus, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=exemplar-storage',
    '--log.level=warn',
  ], port, '/-/ready');
}

/** Alertmanager on a loopback port, data in `dataDir`, no cluster listener (0.0.0.0:9094 by default). */
export async function startAlertmanager(configFile: string, dataDir: string): Promise<LocalService> {
  const port = await freePort();
  return startService('alertmanager', STACK_BINARIES.alertmanager, [
    `--config.file=${configFile}`,
    `--storage.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ], port, '/-/ready');
}
