import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, LAZY_SDK_PACKAGES, type BundleResult } from '../../src/packaging/bundle-cli.js';
import { cleanEnv, collect, jsonLines, REPO_ROOT, tempDir } from '../helpers/cli.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';

/** The CLI as `npm run build` ships it (dist/bundle), built into a temp dir and run as a user runs it. */
describe('the bundled CLI', () => {
  const temp = tempDir('syncscope-bundle-');
  const receiver = new OtlpReceiver();
  let bundle: BundleResult;
  let endpoint: string;

  beforeAll(async () => {
    // Externals (better-sqlite3, the stand-ins' real packages) resolve from node_modules above the bundle.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(temp.dir, 'node_modules'), 'dir');
    bundle = await bundleCli(join(temp.dir, 'bundle'));
    endpoint = await receiver.start();
  }, 60_000);
  afterAll(async () => {
    await receiver.stop();
    temp.cleanup();
  });

  // The compile cache (tests/packaging/compile-cache.test.ts) goes to the temp dir, not the user's ~/.cache.
  const cacheEnv = () => ({ SYNCSCOPE_COMPILE_CACHE: join(temp.dir, 'compile-cache') });
  const run = (args: string[], env: Record<string, string> = {}) =>
    collect(spawn(process.execPath, [join(bundle.outDir, 'syncscope.js'), ...args], { cwd: temp.dir, env: cleanEnv({ ...cacheEnv(), ...env }), stdio: ['ignore', 'pipe', 'pipe'] }));

  /** Bundles `source` (TypeScript) on its own as the CLI is bundled, and runs it. */
  const runProbe = async (name: string, source: string) => {
    const probe = join(temp.dir, `${name}-probe.ts`);
    writeFileSync(probe, source);
    const probed = await bundleCli(join(temp.dir, `${name}-probe`), { probe });
    return collect(spawn(process.execPath, [join(probed.outDir, 'probe.js')], { cwd: temp.dir, env: cleanEnv(cacheEnv()), stdio: ['ignore', 'pipe', 'pipe'] }));
  };

  it('holds none of the SDK paths Syncscope never builds (gRPC, protobuf, declarative config)', () => {
    const inputs = Object.values(bundle.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    for (const heavy of ['node_modules/@grpc/grpc-js/', 'node_modules/protobufjs/', 'node_modules/@opentelemetry/configuration/']) {
      expect(inputs.filter((file) => file.includes(heavy)), heavy).toEqual([]);
    }
    expect(LAZY_SDK_PACKAGES).toContain('@opentelemetry/exporter-trace-otlp-grpc');
  });

  it("holds zod's English messages only, and loads any other locale on its first use", async () => {
    const inputs = Object.values(bundle.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(inputs.filter((file) => file.includes('node_modules/zod/v4/locales/')).sort()).toEqual(['node_modules/zod/v4/locales/en.js', 'node_modules/zod/v4/locales/index.js']);

    const result = await runProbe('zod', `import { z } from 'zod';
const english = z.string().safeParse(1).error?.issues[0]?.message;
z.config(z.locales.de());
console.log(JSON.stringify({ english, german: z.string().safeParse(1).error?.issues[0]?.message, locales: Object.keys(z.locales).length }));
`);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      english: 'Invalid input: expected string, received number',
      german: 'Ungültige Eingabe: erwartet string, erhalten Zahl',
      locales: expect.any(Number),
    });
    expect(JSON.parse(result.stdout).locales).toBeGreaterThan(40);
  });

  it("loads prom-client's Pushgateway, default metrics and cluster registry on first use, and they are prom-client's own", async () => {
    const result = await runProbe('prom', `import * as prom from 'prom-client';
const loaded = () => process.moduleLoadList.some((m) => m === 'NativeModule https' || m === 'NativeModule cluster');
const registry = new prom.Registry();
new prom.Counter({ name: 'probe_total', help: 'probe', registers: [registry] }).inc();
const before = loaded();
const gateway = new prom.Pushgateway('http://127.0.0.1:9', {}, registry);
prom.collectDefaultMetrics({ register: registry });
void registry.getMetricsAsJSON().then((series) =>
  console.log(JSON.stringify({ before, after: loaded(), gateway: typeof gateway.pushAdd, aggregator: typeof prom.AggregatorRegistry.aggregate, series: series.length })),
);
`);
    expect(result.stderr).toBe('');
    const seen = JSON.parse(result.stdout) as { before: boolean; after: boolean; gateway: string; aggregator: string; series: number };
    expect(seen).toEqual({ before: false, after: true, gateway: 'function', aggregator: 'function', series: expect.any(Number) });
    expect(seen.series).toBeGreaterThan(10); // the counter and the default metrics
  });

  it("holds OpenTelemetry's semantic-convention constants as written at build time, every export the package's own value", async () => {
    const result = await runProbe('semconv', `import * as semconv from '@opentelemetry/semantic-conventions';
const read = (name: string) => (semconv as Record<string, unknown>)[name];
console.log(JSON.stringify(Object.fromEntries(Object.keys(semconv).filter((name) => name !== 'default').map((name) => [name, typeof read(name) === 'function' ? 'function' : read(name)]))));
`);
    expect(result.stderr).toBe('');
    const real = await import('@opentelemetry/semantic-conventions');
    const expected = Object.fromEntries(
      Object.keys(real)
        .filter((name) => name !== 'default')
        .map((name) => {
          const value = (real as Record<string, unknown>)[name];
          return [name, typeof value === 'function' ? 'function' : value];
        }),
    );
    const bundled = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(bundled).length).toBeGreaterThan(600);
    expect(bundled).toEqual(expected);
    expect(bundled.ATTR_SERVICE_NAME).toBe('service.name');
  });

  it("colours winston's debug namespaces with modules it loads on their first use", async () => {
    const result = await runProbe('diagnostics', `// @ts-expect-error: no types; winston's own debug logger
import diagnostics from '@dabh/diagnostics';
diagnostics('winston:probe', { force: true, colors: true })('hello');
`);
    expect(result.stderr).toBe('');
    // What the package itself writes, unbundled: the namespace in colorspace's colour for it, by kuler.
    const unbundled = await collect(
      spawn(process.execPath, ['-e', "require('@dabh/diagnostics')('winston:probe', { force: true, colors: true })('hello')"], { cwd: REPO_ROOT, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    expect(unbundled.stdout).toMatch(/^\u001b\[38;5;\d+mwinston:probe:\u001b\[39;49m hello/);
    expect(result.stdout).toBe(unbundled.stdout);
  });

  it('hands the demo\'s first request to fetch before loading https, tls or fetch\'s own implementation (undici)', async () => {
    const preload = join(temp.dir, 'first-fetch-probe.cjs');
    const report = join(temp.dir, 'first-fetch.json');
    writeFileSync(
      preload,
      `const fetch = globalThis.fetch;
let seen = false;
globalThis.fetch = function (...args) {
  if (!seen) {
    seen = true;
    const modules = process.moduleLoadList.filter((m) => /^NativeModule (https|tls|internal\\/deps\\/undici\\/undici)$/.test(m));
    require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(modules));
  }
  return fetch.apply(this, args);
};
`,
    );
    const args = ['demo', '--data-dir', join(temp.dir, 'data-first-fetch'), '--reports-dir', join(temp.dir, 'reports-first-fetch'), '--json', '--repos', '1', '--prs-per-repo', '2'];
    const result = await collect(
      spawn(process.execPath, ['--require', preload, join(bundle.outDir, 'syncscope.js'), ...args], { cwd: temp.dir, env: cleanEnv(cacheEnv()), stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual([]);
  }, 60_000);

  it('bundles the OTLP exporters into a chunk of their own, which the CLI does not import until a backend is configured', () => {
    const outputs = bundle.metafile.outputs;
    const entry = Object.keys(outputs).find((file) => outputs[file]!.entryPoint?.endsWith('src/cli/bin.ts'))!;
    const staticallyLoaded = new Set<string>();
    for (const stack = [entry]; stack.length > 0; ) {
      const file = stack.pop()!;
      if (staticallyLoaded.has(file)) continue;
      staticallyLoaded.add(file);
      for (const imported of outputs[file]!.imports) if (imported.kind === 'import-statement' && outputs[imported.path]) stack.push(imported.path);
    }
    // The exporters' own code, not the SDK's stand-in for them (packaging/bundle-cli.ts).
    const holders = Object.keys(outputs).filter((file) =>
      Object.keys(outputs[file]!.inputs).some((input) => input.startsWith('node_modules/@opentelemetry/exporter-trace-otlp-http/')),
    );
    expect(holders).toHaveLength(1);
    expect(Object.keys(outputs[holders[0]!]!.inputs).some((input) => input.startsWith('node_modules/@opentelemetry/exporter-logs-otlp-http/'))).toBe(true);
    expect(staticallyLoaded.has(holders[0]!)).toBe(false);
  });

  it('writes ASCII only: V8 holds a loaded chunk as a two-byte string (twice the heap) for one character past Latin-1', () => {
    const chunks = readdirSync(bundle.outDir).filter((file) => file.endsWith('.cjs') || file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(10);
    const withNonAscii = chunks.filter((file) => /[^\x00-\x7f]/.test(readFileSync(join(bundle.outDir, file), 'utf8')));
    expect(withNonAscii).toEqual([]);
  });

  it('runs the demo end to end and exports its trace and its log events over OTLP (the exporters from their chunk, the transport from node_modules)', async () => {
    const result = await run(
      ['demo', '--data-dir', join(temp.dir, 'data'), '--reports-dir', join(temp.dir, 'reports'), '--json', '--repos', '2', '--prs-per-repo', '5'],
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SYNCSCOPE_LOG_LEVEL: 'info' },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as { status: string; records: { synced: number } };
    expect(summary.status).toBe('succeeded');
    expect(summary.records.synced).toBeGreaterThan(0);
    expect(jsonLines(result.stderr).map((e) => e.event)).toContain('sync.pipeline.completed');
    const roots = receiver.spans.filter((s) => s.name === 'sync.pipeline');
    expect(roots).toHaveLength(1);
    expect(receiver.spans.filter((s) => s.traceId === roots[0]!.traceId).length).toBeGreaterThan(5);
    // The winston transport and the SDK's LoggerProvider must share one @opentelemetry/api-logs:
    // with a bundled copy beside node_modules' one, every log record went to a logger never wired up.
    const completed = receiver.logs.find((record) => record.eventName === 'sync.pipeline.completed');
    expect(completed, `log records received: ${receiver.logs.length}`).toBeDefined();
    expect(completed?.traceId).toBe(roots[0]!.traceId);
  }, 60_000);

  it('names an unknown verb with exit code 2', async () => {
    const result = await run(['no-such-verb']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-verb');
  }, 30_000);
});
