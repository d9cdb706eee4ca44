import remapping from '@jridgewell/remapping';
import { build, transformSync, type Metafile, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The CLI as users run it: `dist/bundle/syncscope.js` (package.json "bin", the Docker entrypoint), the launcher of `syncscope.cjs`. */
export const CLI_ENTRY = { syncscope: join(ROOT, 'src/cli/bin.ts') };

/**
 * Not bundled, loaded from node_modules at run time: native addons and their optional native
 * companions (a `.node` file cannot be inlined), and the queue libraries, which load their Lua
 * scripts and child processors by path and are used only by distributed runs and workers.
 * And @opentelemetry/api-logs, which must exist once: the winston transport loads lazily from
 * node_modules (telemetry/exporter-classes.ts), and its copy of the logs API hands out a proxy
 * logger that only the copy the SDK registers through ever wires up; with a second, bundled copy
 * for the SDK, every log record went nowhere.
 */
export const EXTERNAL_PACKAGES = ['better-sqlite3', 'pg-native', 'bullmq', 'ioredis', 'msgpackr-extract', '@opentelemetry/api-logs'];

/**
 * What `@opentelemetry/sdk-node` requires at its top level but builds only when told to by the
 * environment or a config file, which Syncscope never does (it hands NodeSDK its own span and log
 * processors and no metric readers): the gRPC and protobuf exporters (with @grpc/grpc-js and
 * protobufjs), Zipkin, the Prometheus exporter, the B3 and Jaeger propagators, the metrics SDK and
 * the declarative-configuration package with `yaml`. About 1.7 MB of the 3 MB that NodeSDK brings;
 * compiling them took a third of the CLI's start-up. Inside the SDK each becomes a stand-in that
 * requires the real package from node_modules on first use (an `OTEL_PROPAGATORS=b3` still works).
 */
export const LAZY_SDK_PACKAGES = [
  '@opentelemetry/configuration',
  '@opentelemetry/exporter-logs-otlp-grpc',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-grpc',
  '@opentelemetry/exporter-metrics-otlp-proto',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/exporter-trace-otlp-grpc',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/exporter-prometheus',
  '@opentelemetry/exporter-zipkin',
  '@opentelemetry/otlp-grpc-exporter-base',
  '@opentelemetry/propagator-b3',
  '@opentelemetry/propagator-jaeger',
  '@opentelemetry/sdk-metrics',
];

const LAZY_NAMESPACE = 'syncscope-lazy-package';
const SDK_NODE_FILE = /[\\/]node_modules[\\/]@opentelemetry[\\/]sdk-node[\\/]/;

/**
 * The stand-in's source (CommonJS, as the SDK requires it): an object whose every property read
 * loads the real package once. The SDK's compiled code reads its imports as `pkg_1.Name` at the
 * time of use, never destructured at load, so nothing is required until something is built.
 * With `early`, that one export comes from its own small file at once, without the package.
 */
function standInSource(specifier: string, early?: { file: string; name: string }): string {
  const earlyLines = early ? `const early = require(${JSON.stringify(early.file)})[${JSON.stringify(early.name)}];\n` : '';
  const read = early ? `(key === ${JSON.stringify(early.name)} ? early : load()[key])` : 'load()[key]';
  return `${earlyLines}let real;
const load = () => (real ??= require(${JSON.stringify(specifier)}));
module.exports = new Proxy({}, {
  get: (_, key) => ${read},
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Object.getOwnPropertyDescriptor(load(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});
`;
}

/** A filter matching exactly these import specifiers. */
function exactly(specifiers: readonly string[]): RegExp {
  return new RegExp(`^(${specifiers.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
}

/**
 * What the SDK reads of `@opentelemetry/instrumentation` when it starts: `registerInstrumentations`
 * (always called, with the instrumentations it was given: none, for Syncscope), which lives in a
 * small file of its own. The package's index also loads InstrumentationBase with
 * require-in-the-middle, import-in-the-middle and worker_threads (5–8 ms of start-up); inside the
 * SDK the package becomes this file's export plus, for any other name, the whole package on first read.
 */
const SDK_SPLIT_PACKAGES: Readonly<Record<string, { file: string; name: string }>> = {
  '@opentelemetry/instrumentation': { file: '@opentelemetry/instrumentation/build/src/autoLoader.js', name: 'registerInstrumentations' },
};
const SPLIT_NAMESPACE = 'syncscope-split-package';

const lazySdkPackages: Plugin = {
  name: 'lazy-sdk-packages',
  setup(bundler) {
    bundler.onResolve({ filter: exactly(Object.keys(SDK_SPLIT_PACKAGES)) }, (args) =>
      SDK_NODE_FILE.test(args.importer) ? { path: args.path, namespace: SPLIT_NAMESPACE } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: SPLIT_NAMESPACE }, (args) => ({ contents: standInSource(args.path, SDK_SPLIT_PACKAGES[args.path]!), loader: 'js', resolveDir: ROOT }));
    bundler.onResolve({ filter: exactly(LAZY_SDK_PACKAGES) }, (args) => {
      // The stand-in's own require goes to node_modules at run time.
      if (args.namespace === LAZY_NAMESPACE) return { path: args.path, external: true };
      // Only the SDK's unused paths are deferred; Syncscope's own imports of a package bundle it.
      if (!SDK_NODE_FILE.test(args.importer)) return undefined;
      return { path: args.path, namespace: LAZY_NAMESPACE };
    });
    bundler.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, (args) => ({ contents: standInSource(args.path), loader: 'js', resolveDir: ROOT }));
  },
};

const ZOD_LOCALES_INDEX = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
const LOCALE_EXPORT = /^export \{ default as (\w+) \} from "\.\/([\w-]+)\.js";$/gm;

/**
 * zod's message locales, but English, load on demand. `z.locales` re-exports zod's ~50 locales,
 * and esbuild cannot leave a namespace's members out: 366 KB of the 3.2 MB the demo compiles
 * before its first request, for messages Syncscope never shows (its errors are English, from
 * the default locale). Each other locale becomes a function that requires zod's own CommonJS
 * build of it on its first call, so `z.config(z.locales.de())` still works.
 */
const zodLocalesOnDemand: Plugin = {
  name: 'zod-locales-on-demand',
  setup(bundler) {
    bundler.onResolve({ filter: /^zod\/v4\/locales\/[\w-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    bundler.onLoad({ filter: ZOD_LOCALES_INDEX }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const locales = [...source.matchAll(LOCALE_EXPORT)];
      const exportLines = source.split('\n').filter((line) => line.startsWith('export')).length;
      // A zod release that writes its index otherwise must not lose locales without a word.
      if (locales.length === 0 || locales.length !== exportLines) {
        return { errors: [{ text: `zod-locales-on-demand: ${args.path} has ${exportLines} exports, ${locales.length} of them in the expected form` }] };
      }
      const contents = locales
        .map(([, name, file]) => (file === 'en' ? 'export { default as en } from "./en.js";' : `export const ${name} = (...args) => require("zod/v4/locales/${file}.cjs")(...args);`))
        .join('\n');
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** One line of a package's file rewritten so that what it requires loads on first use. */
interface OnDemandLine {
  eager: string;
  lazy: string;
}

/** `exports.<name> = require('<path>')` as a getter: the part loads when the export is first read. */
const exportOnFirstRead = (name: string, path: string): OnDemandLine => ({
  eager: `exports.${name} = require('${path}');`,
  lazy: `Object.defineProperty(exports, '${name}', { enumerable: true, get: () => require('${path}') });`,
});

/** `var <binding> = require('<specifier>')`, a binding only ever called, as a function that requires on its first call. */
const bindingOnFirstCall = (binding: string, specifier: string): OnDemandLine => ({
  eager: `var ${binding} = require('${specifier}');`,
  lazy: `var ${binding} = function () { return require('${specifier}').apply(this, arguments); };`,
});

/**
 * Requires in packages' own files of parts Syncscope reaches only at a run's end or never, loaded
 * on first use instead of at import. Still bundled and still the same objects.
 * - prom-client's index requires every part of the library at load; three of them pull in Node's
 *   http, https, zlib, perf_hooks and cluster (6 ms of the demo's start-up before its first request):
 *   `import { Pushgateway } from 'prom-client'` reads the export when it is used.
 * - winston's debug logger (@dabh/diagnostics) colours its namespaces with colorspace and kuler,
 *   which it loads at import (4 ms) though it only writes when `DEBUG` names winston.
 */
const ON_DEMAND_LINES: ReadonlyArray<{ file: RegExp; lines: readonly OnDemandLine[] }> = [
  {
    file: /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/,
    lines: [
      exportOnFirstRead('Pushgateway', './lib/pushgateway'), // http, https, zlib: only when a run pushes its metrics
      exportOnFirstRead('collectDefaultMetrics', './lib/defaultMetrics'), // perf_hooks and a dozen metric modules: never called
      exportOnFirstRead('AggregatorRegistry', './lib/cluster'), // cluster: never used
    ],
  },
  {
    file: /[\\/]node_modules[\\/]@dabh[\\/]diagnostics[\\/]modifiers[\\/]namespace-ansi\.js$/,
    lines: [bindingOnFirstCall('colorspace', '@so-ric/colorspace'), bindingOnFirstCall('kuler', 'kuler')],
  },
];

const onDemandRequires: Plugin = {
  name: 'on-demand-requires',
  setup(bundler) {
    for (const { file, lines } of ON_DEMAND_LINES) {
      bundler.onLoad({ filter: file }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        for (const { eager, lazy } of lines) {
          // A release that writes its file otherwise fails the build rather than load the part eagerly unnoticed.
          if (!source.includes(eager)) return { errors: [{ text: `on-demand-requires: ${args.path} no longer has \`${eager}\`` }] };
          source = source.replace(eager, lazy);
        }
        return { contents: source, loader: 'js', resolveDir: dirname(args.path) };
      });
    }
  },
};

const SEMCONV = '@opentelemetry/semantic-conventions';
const SEMCONV_NAMESPACE = 'syncscope-semconv-constants';
const CONSTANTS_SUFFIX = '.constants.cjs';

/**
 * `@opentelemetry/semantic-conventions` (its stable entry) as the constants it holds: 600-odd
 * attribute names, written as one object literal at build time from the very copy each importer
 * resolves. The package builds them at load through helper calls over a 196 KB file (5 ms of the
 * demo's start-up, for the handful of names the SDK reads). Its few non-constant exports (value
 * maps, helpers) stay the package's own, loaded on first read.
 */
const semconvConstants: Plugin = {
  name: 'semconv-constants',
  setup(bundler) {
    bundler.onResolve({ filter: exactly([SEMCONV]) }, async (args) => {
      if (args.pluginData === SEMCONV_NAMESPACE) return undefined; // the real package, for what is not a constant
      // Resolved as a require for every importer: one copy of the constants, read off the CommonJS entry.
      const real = await bundler.resolve(args.path, { kind: 'require-call', importer: args.importer, resolveDir: args.resolveDir, pluginData: SEMCONV_NAMESPACE });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: `${real.path}${CONSTANTS_SUFFIX}`, namespace: SEMCONV_NAMESPACE };
    });
    bundler.onLoad({ filter: /.*/, namespace: SEMCONV_NAMESPACE }, (args) => {
      const realPath = args.path.slice(0, -CONSTANTS_SUFFIX.length);
      const exported = createRequire(realPath)(realPath) as Record<string, unknown>;
      const constants: Record<string, string | number> = {};
      const others: string[] = [];
      for (const [name, value] of Object.entries(exported)) {
        if (typeof value === 'string' || typeof value === 'number') constants[name] = value;
        else others.push(name);
      }
      const lazy = others.map((name) => `Object.defineProperty(module.exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`);
      const contents = [
        `let real;`,
        `const load = () => (real ??= require(${JSON.stringify(realPath)}));`,
        `module.exports = ${JSON.stringify(constants)};`,
        ...lazy,
      ].join('\n');
      return { contents, loader: 'js', resolveDir: dirname(realPath), pluginData: SEMCONV_NAMESPACE };
    });
  },
};

export interface BundleResult {
  outDir: string;
  /** esbuild's account of every output file and the inputs in it (the files are the `.cjs` ones). */
  metafile: Metafile;
  /** The bundle's identity: a hash of every file's contents, which the compile cache is keyed by. */
  buildId: string;
}

/**
 * Bundles the CLI (and any extra entry, e.g. the bench's sync worker) into `outDir`, split at every
 * dynamic import: each verb, connector family and SDK loads only when reached, and a verb's
 * modules arrive as a few large files rather than ~900 small ones (the module loader's resolving,
 * stat-ing and reading was over half of start-up). One flat folder, so `import.meta.url` of any
 * chunk points at `outDir`, where the dashboard's assets are copied.
 *
 * esbuild splits only ES modules; each file is then rewritten as CommonJS (`.cjs`), because only
 * CommonJS can be given V8's cached code on Node 20 (packaging/compile-cache.ts): with the cache,
 * start-up to the first API request fell by a third, and even without one CommonJS loads faster
 * than the same chunks as ES modules. Each entry `<name>` is run as `<name>.js`, a launcher that
 * turns the cache on and requires `<name>.cjs`. Source maps map the CommonJS back to `src/`.
 */
export async function bundleCli(outDir: string, entries: Record<string, string> = CLI_ENTRY): Promise<BundleResult> {
  const result = await build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    plugins: [lazySdkPackages, zodLocalesOnDemand, onDemandRequires, semconvConstants],
    outExtension: { '.js': '.cjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'external',
    metafile: true,
    write: false,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  mkdirSync(outDir, { recursive: true });
  const maps = new Map(result.outputFiles.filter((file) => file.path.endsWith('.map')).map((file) => [file.path, file.text]));
  const files = result.outputFiles.filter((file) => file.path.endsWith('.cjs'));
  const hash = createHash('sha256');
  for (const file of files) {
    const commonJs = asCommonJs(file.path, file.text, maps.get(`${file.path}.map`));
    writeFileSync(file.path, `${commonJs.code}//# sourceMappingURL=${basename(file.path)}.map\n`);
    writeFileSync(`${file.path}.map`, commonJs.map);
    hash.update(basename(file.path)).update(commonJs.code);
  }
  const buildId = hash.digest('hex').slice(0, 16);
  const launcher = await launcherSource(buildId);
  for (const name of Object.keys(entries)) writeFileSync(join(outDir, `${name}.js`), launcher, { mode: 0o755 });
  // The launchers are CommonJS: an ES module entry has Node 20 load and run its ES module loader
  // first (about 10 ms of start-up), for a file whose only work is a require.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  cpSync(join(ROOT, 'src/server/dashboard'), join(outDir, 'dashboard'), { recursive: true });
  return { outDir, metafile: result.metafile, buildId };
}

const IMPORT_META_URL = '__syncscopeImportMetaUrl';

/**
 * One ES module chunk as CommonJS: imports become requires (dynamic ones too, so that they go
 * through the compile cache rather than the ES module loader), `import.meta.url` the file's own
 * URL, and the source map the composition of both steps. Any warning (an `import.meta` property
 * CommonJS has no stand-in for, say) fails the build rather than ship a chunk that breaks when run.
 */
function asCommonJs(path: string, esm: string, esmMap: string | undefined): { code: string; map: string } {
  // The entry's hashbang goes (the launcher has one); its line stays, so the ES map still fits.
  const source = asciiOnly(esm.replace(/^#!.*/, ''));
  const usesImportMeta = source.includes('import.meta');
  const output = transformSync(source, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    sourcemap: 'external',
    sourcefile: basename(path),
    ...(usesImportMeta ? { define: { 'import.meta.url': IMPORT_META_URL }, banner: `var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;` } : {}),
    logLevel: 'silent',
  });
  if (output.warnings.length > 0) throw new Error(`bundling ${basename(path)} as CommonJS: ${output.warnings.map((w) => w.text).join('; ')}`);
  const map = esmMap ? remapping(output.map, (file) => (file === basename(path) ? esmMap : null)).toString() : output.map;
  return { code: output.code, map };
}

/** The launcher each entry is run by (packaging/launcher.ts, as CommonJS), stamped with the build's identity. */
async function launcherSource(buildId: string): Promise<string> {
  const built = await build({
    entryPoints: [join(ROOT, 'src/packaging/launcher.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: { SYNCSCOPE_BUILD_ID: JSON.stringify(buildId) },
    banner: { js: '#!/usr/bin/env node' },
    write: false,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  return built.outputFiles[0]!.text;
}

/** Every character above U+007F (astral ones are two UTF-16 units, so two matches). */
const NON_ASCII = /[^\x00-\x7f]/g;

/**
 * Makes a bundle file ASCII. V8 keeps every loaded script's source in the heap for the process's
 * life, and keeps it as a two-byte string when a single character is outside Latin-1. esbuild
 * escapes such characters in strings and identifiers but keeps the comments it preserves as they
 * are: one dash in a package's JSDoc made the largest chunk 2 MB of heap instead of 1 MB (1.8 MB
 * over the chunks a sync loads). Only comments can still hold one, so each becomes '?': the same
 * UTF-16 length, which keeps every source-map column right.
 */
function asciiOnly(source: string): string {
  return source.replace(NON_ASCII, '?');
}
