import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The walls between `src/` folders (STYLE.md): which layer may import which. A module is named by
 * its top folder, except connectors, which are named `connectors/<name>` so adapters can be kept
 * apart from each other and from the shared HTTP layer.
 */
export const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  ports: ['errors'],
  config: ['errors'],
  scheduling: ['ports', 'errors'],
  telemetry: ['ports', 'errors', 'config'],
  engine: ['ports', 'errors', 'config', 'telemetry', 'scheduling'],
  'connectors/http': ['ports', 'errors', 'config', 'telemetry', 'scheduling'],
  'connectors/*': ['connectors/http', 'ports', 'errors', 'config', 'telemetry', 'scheduling'],
  store: ['ports', 'errors', 'config'],
  reports: ['ports', 'errors', 'config'],
  simulator: [],
  /** Test doubles shipped with the product (FakeSource, FakeDestination); no product code imports them. */
  testing: ['ports', 'errors'],
  /** The build and the launch: bundles the CLI with esbuild and runs it through the compile cache; imports no product module. */
  packaging: [],
  server: ['ports', 'errors', 'config', 'telemetry', 'reports', 'store', 'wiring', 'scheduling'],
  queue: ['ports', 'errors', 'config', 'telemetry', 'scheduling', 'store', 'wiring', 'engine'],
  wiring: ['ports', 'errors', 'config', 'telemetry', 'scheduling', 'engine', 'connectors/*', 'store', 'reports', 'queue', 'server'],
  cli: ['ports', 'errors', 'config', 'telemetry', 'scheduling', 'engine', 'connectors/*', 'store', 'reports', 'queue', 'server', 'wiring'],
};

/** The demo wiring and the `simulate` command are the only product code that may start a simulator. */
export function mayImportSimulator(file: string): boolean {
  return /^(cli|wiring)\/(.*\/)?(demo[^/]*|simulate[^/]*)\.ts$/.test(file) || /^(cli|wiring)\/demo\//.test(file);
}

export interface ImportEdge {
  /** Importing file, relative to `src/`, with `/` separators. */
  file: string;
  /** Imported file, relative to `src/`. */
  target: string;
}

export function moduleOf(file: string): string {
  const [top, second] = file.split('/');
  if (top === 'connectors' && second !== undefined && !second.endsWith('.ts')) return `connectors/${second}`;
  return top ?? file;
}

function allowedFor(module: string): readonly string[] | undefined {
  return ALLOWED[module] ?? (module.startsWith('connectors/') ? ALLOWED['connectors/*'] : undefined);
}

function permits(allowed: readonly string[], target: string): boolean {
  return allowed.some((entry) => entry === target || (entry === 'connectors/*' && target.startsWith('connectors/') && target !== 'connectors/http'))
    || (target === 'connectors/http' && allowed.includes('connectors/*'));
}

/** The edges that break a wall, each as `file → target (rule)`. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const { file, target } of edges) {
    const from = moduleOf(file);
    const to = moduleOf(target);
    if (from === to) continue;
    if (to === 'simulator') {
      if (!mayImportSimulator(file)) found.push(`${file} → ${target} (only the demo wiring may use the simulator)`);
      continue;
    }
    const allowed = allowedFor(from);
    if (allowed === undefined) found.push(`${file} → ${target} (folder "${from}" has no rule: add it to ALLOWED)`);
    else if (!permits(allowed, to)) found.push(`${file} → ${target} (${from} must not import ${to})`);
  }
  return found;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every relative import of every `.ts` file under `srcDir`, resolved to a file under it. */
export function scanImports(srcDir: string): ImportEdge[] {
  const root = resolve(srcDir);
  const edges: ImportEdge[] = [];
  for (const path of walk(root)) {
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (!spec || !spec.startsWith('.')) continue;
      const target = resolve(dirname(path), spec.replace(/\.js$/, '.ts'));
      if (!target.startsWith(root + sep)) continue;
      edges.push({ file: toPosix(relative(root, path)), target: toPosix(relative(root, target)) });
    }
  }
  return edges;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
