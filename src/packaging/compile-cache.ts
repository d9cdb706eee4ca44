import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import v8 from 'node:v8';
import { Script } from 'node:vm';

/**
 * A V8 code cache for the bundled CLI's CommonJS files, as Node 22's `module.enableCompileCache`
 * does (Node 20 has none, and no way at all to give its ES module loader cached code). The first
 * run of a verb compiles as usual and, at its exit, saves each bundle file's compiled functions;
 * later runs hand them to V8 and skip parsing and compiling: about a third of the start-up
 * before the first API request.
 *
 * Where: `SYNCSCOPE_COMPILE_CACHE` (a directory, or `off`), else `$XDG_CACHE_HOME/syncscope` or
 * `~/.cache/syncscope`, in a folder per build and Node version (`compile-<build>-<node>-<arch>`).
 * A cache is a trust boundary (V8 runs its bytecode as it is), so a folder that is not this
 * user's own, or that others may write, is not used. Nothing here can fail a run: a folder that
 * cannot be made, a file that cannot be read or written, a cache V8 rejects all mean compiling
 * as if there were no cache.
 */
export interface CompileCacheOptions {
  /** The bundle's folder: only the `.cjs` files directly in it are cached (not node_modules, not elsewhere). */
  bundleDir: string;
  /** Identifies the bundle's contents (bundle-cli.ts hashes them): a rebuilt bundle never meets an old cache. */
  buildId: string;
  env?: NodeJS.ProcessEnv;
}

/** Other builds' cache folders are removed once nothing was written to them for this long (another installed build may still run). */
const STALE_AFTER_MS = 30 * 24 * 3600 * 1000;
const FOLDER_PREFIX = 'compile-';

/**
 * V8 stamps a cache with its flags and rejects it when they differ at the next start. The CLI
 * sets `--heap-growing-percent` at run time (cli/heap-growth.ts), after the launcher has started
 * this and before most bundle files load, so a cache would carry other flags than the one V8
 * compares it with, and every such cache would be thrown away and written again by every run.
 * Each flag a run sets at run time that is named here goes back to its default (0: V8's own
 * growth factor) while a bundle file is compiled and while the caches are written, then forward
 * to its value.
 */
export const RUN_TIME_FLAG_DEFAULTS: Readonly<Record<string, string>> = { 'heap-growing-percent': '--heap-growing-percent=0' };

interface PendingCache {
  script: Script;
  file: string;
}

type CompileFunction = (this: NodeModule, content: string, filename: string, ...rest: unknown[]) => unknown;

/** Makes `require` of the bundle's files compile through the cache. Call once, before requiring the bundle. */
export function installCompileCache(options: CompileCacheOptions): void {
  const dir = cacheFolder(options);
  if (!dir) return;
  const bundleDir = options.bundleDir;
  const pending: PendingCache[] = [];
  const flags = trackRunTimeFlags();
  const prototype = Module.prototype as unknown as { _compile: CompileFunction };
  const compile = prototype._compile;
  prototype._compile = function compileThroughCache(this: NodeModule, content: string, filename: string, ...rest: unknown[]) {
    // Only the bundle's CommonJS files: others keep Node's own compile (its ESM detection, its
    // dynamic import() relative to the file), which this hook would not reproduce.
    if (dirname(filename) !== bundleDir || !filename.endsWith('.cjs')) return compile.apply(this, [content, filename, ...rest]);
    const file = join(dir, `${basename(filename)}.v8`);
    const cachedData = readOrUndefined(file);
    const script = flags.atDefaults(
      () => new Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: (specifier: string) => import(specifier) as never }),
    );
    if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
    return runAsModule(this, script, filename);
  };
  process.once('exit', () => flags.atDefaults(() => saveCaches(pending)));
}

/** What Node's own `_compile` does with the compiled wrapper: call it with the module's require, exports and paths. */
function runAsModule(module: NodeModule, script: Script, filename: string): unknown {
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  const internals = Module as unknown as ModuleInternals;
  const resolve = Object.assign((request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, module, false, options), {
    paths: (request: string) => internals._resolveLookupPaths(request, module),
  });
  const require = Object.assign((id: string) => module.require(id), { resolve, cache: internals._cache });
  return wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _cache: Record<string, NodeModule>;
}

/**
 * Follows `v8.setFlagsFromString` (the CommonJS bundle reads it off the module at each call) for
 * the flags of RUN_TIME_FLAG_DEFAULTS, and runs code with those set back to their defaults.
 */
function trackRunTimeFlags(): { atDefaults<T>(work: () => T): T } {
  const set = v8.setFlagsFromString.bind(v8);
  const inForce = new Map<string, string>();
  v8.setFlagsFromString = (flags: string) => {
    set(flags);
    for (const flag of flags.split(/\s+/)) {
      const name = flag.replace(/^--/, '').split('=')[0]!.replace(/_/g, '-');
      if (RUN_TIME_FLAG_DEFAULTS[name]) inForce.set(name, flag);
    }
  };
  return {
    atDefaults<T>(work: () => T): T {
      if (inForce.size === 0) return work();
      for (const name of inForce.keys()) set(RUN_TIME_FLAG_DEFAULTS[name]!);
      try {
        return work();
      } finally {
        for (const flag of inForce.values()) set(flag);
      }
    },
  };
}

/** Writes the caches of the files compiled without one (or with one V8 rejected). */
function saveCaches(pending: PendingCache[]): void {
  if (pending.length === 0) return;
  for (const { script, file } of pending) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      renameSync(temporary, file); // whole or not at all, whatever another process is reading
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}

/** This build's cache folder, made if need be; undefined when caching is off or the folder is not safe to use. */
function cacheFolder({ buildId, env = process.env }: CompileCacheOptions): string | undefined {
  const setting = env.SYNCSCOPE_COMPILE_CACHE?.trim();
  if (setting === 'off') return undefined;
  const root = setting || join(env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache'), 'syncscope');
  const dir = join(root, `${FOLDER_PREFIX}${buildId}-${process.version}-${process.arch}`);
  try {
    const existed = isDirectory(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedAndPrivate(dir)) return undefined;
    if (!existed) removeStaleFolders(root, dir);
    return dir;
  } catch {
    return undefined;
  }
}

/** Only this user may write it: anyone who can plant a cache file can have this process run their bytecode. */
function ownedAndPrivate(dir: string): boolean {
  const stats = statSync(dir);
  const uid = process.getuid?.();
  return (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
}

function removeStaleFolders(root: string, current: string): void {
  const now = Date.now();
  for (const name of readdirSync(root)) {
    const folder = join(root, name);
    if (!name.startsWith(FOLDER_PREFIX) || folder === current) continue;
    try {
      if (now - statSync(folder).mtimeMs > STALE_AFTER_MS) rmSync(folder, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
