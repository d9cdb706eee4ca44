import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapGrowthFlag } from '../../src/cli/heap-growth.js';
import { bundleCli, type BundleResult } from '../../src/packaging/bundle-cli.js';
import { RUN_TIME_FLAG_DEFAULTS } from '../../src/packaging/compile-cache.js';
import { cleanEnv, collect, REPO_ROOT, tempDir } from '../helpers/cli.js';

/**
 * The compile cache (packaging/compile-cache.ts) on a small bundle built as the CLI's is: an entry
 * and the chunks it imports on demand, run through its launcher as a user runs the CLI. That V8
 * took a cache is seen from outside: a cache is rewritten (a new file by rename) only when the
 * run found none or V8 rejected it, so a file left as it was is one V8 accepted.
 */
describe('the compile cache', () => {
  const temp = tempDir('syncscope-compile-cache-');
  let bundle: BundleResult;
  let runs = 0;

  beforeAll(async () => {
    // The bundle's externals resolve from here, as dist/bundle's do from the repository's.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(temp.dir, 'node_modules'), 'dir');
    const probe = join(temp.dir, 'probe.ts');
    // Counts its evaluations: required by two imports, a bundle file must still run once.
    writeFileSync(join(temp.dir, 'probe-lazy.ts'), 'const g = globalThis as { probeLoads?: number };\ng.probeLoads = (g.probeLoads ?? 0) + 1;\nexport const answer = (): number => 42;\n');
    // Throws the first time it runs: a file whose loading failed must be loaded afresh next time, as Node does.
    writeFileSync(join(temp.dir, 'probe-flaky.ts'), "const g = globalThis as { probeFlaky?: boolean };\nif (!g.probeFlaky) {\n  g.probeFlaky = true;\n  throw new Error('first load fails');\n}\nexport const second = 'loaded';\n");
    writeFileSync(
      probe,
      `import { setFlagsFromString } from 'node:v8';
// As the CLI does once start-up is over (cli/heap-growth.ts): V8 stamps its caches with its flags.
if (process.env.PROBE_RAISE_HEAP_FLAG) setFlagsFromString('--heap-growing-percent=50');
void (async () => {
  const [{ answer }] = await Promise.all([import('./probe-lazy.js'), import('./probe-lazy.js')]);
  const flaky = await import('./probe-flaky.js').then(() => 'no error', (error: Error) => error.message);
  const { second } = await import('./probe-flaky.js');
  process.stdout.write(\`\${answer()} \${(globalThis as { probeLoads?: number }).probeLoads} \${flaky} \${second}\\n\`);
})();
`,
    );
    bundle = await bundleCli(join(temp.dir, 'bundle'), { probe });
  }, 60_000);
  afterAll(() => temp.cleanup());

  const run = async (env: Record<string, string>) => {
    runs += 1;
    const result = await collect(spawn(process.execPath, [join(bundle.outDir, 'probe.js')], { cwd: temp.dir, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The chunks the probe imports: each run once however often imported, a failed one loaded afresh.
    expect(result.stdout).toBe('42 1 first load fails loaded\n');
  };
  const folderIn = (root: string) => join(root, `compile-${bundle.buildId}-${process.version}-${process.arch}`);
  /** Each cache file and the inode it has: a rewrite (temp file, rename) gives a new one. */
  const snapshot = (folder: string) => Object.fromEntries(readdirSync(folder).sort().map((file) => [file, statSync(join(folder, file)).ino]));
  const newRoot = () => join(temp.dir, `cache-${runs}-${Math.random().toString(36).slice(2)}`);

  it("saves each loaded file's compiled code on the first run, in a folder only this user can read, and the next run takes it as it is", async () => {
    const root = newRoot();
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    const folder = folderIn(root);
    const first = snapshot(folder);
    const chunks = Object.keys(bundle.metafile.outputs).map((file) => file.split('/').pop()!).filter((file) => file.startsWith('chunk-') && file.endsWith('.cjs'));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(first)).toEqual(['probe.cjs.v8', ...chunks.map((chunk) => `${chunk}.v8`)].sort());
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const file of Object.keys(first)) {
      expect(statSync(join(folder, file)).mode & 0o777).toBe(0o600);
      expect(statSync(join(folder, file)).size).toBeGreaterThan(100);
    }
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    expect(snapshot(folder)).toEqual(first);
  }, 30_000);

  it('is still taken after the process raised the heap-growth flag, which V8 stamps caches with', async () => {
    const root = newRoot();
    await run({ SYNCSCOPE_COMPILE_CACHE: root, PROBE_RAISE_HEAP_FLAG: '1' });
    const first = snapshot(folderIn(root));
    await run({ SYNCSCOPE_COMPILE_CACHE: root, PROBE_RAISE_HEAP_FLAG: '1' });
    expect(snapshot(folderIn(root))).toEqual(first);
  }, 30_000);

  it('sets back to its default, while it compiles and saves, the flag the CLI raises at run time', () => {
    const name = heapGrowthFlag([], '')!.replace(/^--/, '').split('=')[0]!;
    expect(RUN_TIME_FLAG_DEFAULTS[name]).toBe(`--${name}=0`);
  });

  it('compiles as if there were none when a cache file is corrupt, and replaces it with a good one', async () => {
    const root = newRoot();
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    const corrupt = join(folderIn(root), 'probe.cjs.v8');
    writeFileSync(corrupt, 'not V8 code cache data', { mode: 0o600 });
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    expect(readFileSync(corrupt, 'utf8')).not.toBe('not V8 code cache data');
    const replaced = snapshot(folderIn(root));
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    expect(snapshot(folderIn(root))).toEqual(replaced);
  }, 30_000);

  it('writes nothing with SYNCSCOPE_COMPILE_CACHE=off', async () => {
    const xdg = newRoot();
    await run({ SYNCSCOPE_COMPILE_CACHE: 'off', XDG_CACHE_HOME: xdg });
    expect(existsSync(xdg)).toBe(false);
  }, 30_000);

  it('lives under $XDG_CACHE_HOME/syncscope when no folder is set', async () => {
    const xdg = newRoot();
    await run({ XDG_CACHE_HOME: xdg });
    expect(readdirSync(folderIn(join(xdg, 'syncscope')))).toContain('probe.cjs.v8');
  }, 30_000);

  it('does not use a folder others may write: whoever can plant a cache file chooses the bytecode that runs', async () => {
    const root = newRoot();
    mkdirSync(folderIn(root), { recursive: true });
    chmodSync(folderIn(root), 0o777);
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    expect(readdirSync(folderIn(root))).toEqual([]);
  }, 30_000);

  it("removes other builds' folders that nothing wrote to for 30 days when a new build makes its own, and keeps recent ones", async () => {
    const root = newRoot();
    const old = join(root, 'compile-0000000000000000-v20.0.0-x64');
    const recent = join(root, 'compile-1111111111111111-v20.0.0-x64');
    for (const folder of [old, recent]) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const fortyDaysAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(old, fortyDaysAgo, fortyDaysAgo);
    await run({ SYNCSCOPE_COMPILE_CACHE: root });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(folderIn(root))).toBe(true);
  }, 30_000);
});
