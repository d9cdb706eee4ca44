import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';
import { moduleOf, scanImports, violations } from './import-walls.js';

describe('import walls', () => {
  const edges = scanImports(join(REPO_ROOT, 'src'));

  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ file: 'engine/run-pipeline.ts', target: 'engine/batch-writer.ts' });
  });

  it('src/ breaks no wall', () => {
    expect(violations(edges)).toEqual([]);
  });

  it.each([
    ['connectors/http/instrumented-fetch.ts', 'engine/retry-policy.ts', 'connectors/http must not import engine'],
    ['config/pipeline-schema.ts', 'telemetry/redaction.ts', 'config must not import telemetry'],
    ['engine/run-pipeline.ts', 'connectors/github/github-source.ts', 'engine must not import connectors/github'],
    ['engine/batch-writer.ts', 'store/sqlite/sqlite-run-store.ts', 'engine must not import store'],
    ['connectors/github/github-source.ts', 'connectors/sqlite/sqlite-destination.ts', 'connectors/github must not import connectors/sqlite'],
    ['telemetry/run-telemetry.ts', 'engine/run-state.ts', 'telemetry must not import engine'],
    ['wiring/run-sync.ts', 'simulator/github/index.ts', 'only the demo wiring may use the simulator'],
    ['simulator/github/routes.ts', 'connectors/github/github-policy.ts', 'simulator must not import connectors/github'],
  ])('flags a planted %s → %s', (file, target, reason) => {
    expect(violations([{ file, target }])).toEqual([`${file} → ${target} (${reason})`]);
  });

  it('lets the demo command start the simulator and adapters use the shared HTTP layer', () => {
    expect(violations([
      { file: 'cli/commands/demo.ts', target: 'simulator/github/index.ts' },
      { file: 'connectors/github/github-source.ts', target: 'connectors/http/parsed-body.ts' },
      { file: 'connectors/http/instrumented-fetch.ts', target: 'scheduling/retry-policy.ts' },
    ])).toEqual([]);
  });

  it('names connectors by adapter', () => {
    expect(moduleOf('connectors/github/github-source.ts')).toBe('connectors/github');
    expect(moduleOf('engine/run-pipeline.ts')).toBe('engine');
  });

  it.each([
    ['connectors/http/fetch.ts', "import { decideRetry } from '../../engine/retry-policy.js';", 'engine/retry-policy.ts', 'connectors/http must not import engine'],
    ['config/load.ts', "import type { Level } from '../telemetry/log-levels.js';", 'telemetry/log-levels.ts', 'config must not import telemetry'],
    ['engine/run.ts', "export { Store } from '../store/sqlite/store.js';", 'store/sqlite/store.ts', 'engine must not import store'],
    ['telemetry/t.ts', "const m = await import('../engine/run-state.js');", 'engine/run-state.ts', 'telemetry must not import engine'],
    ['connectors/github/a.ts', "import '../monday/b.js';", 'connectors/monday/b.ts', 'connectors/github must not import connectors/monday'],
    ['wiring/run-sync.ts', "import { startGithubSimulator } from '../simulator/github/index.js';", 'simulator/github/index.ts', 'only the demo wiring may use the simulator'],
  ])('the scan of a file tree fails on a planted %s', (file, line, target, reason) => {
    const src = mkdtempSync(join(tmpdir(), 'syncscope-walls-'));
    try {
      for (const path of [file, target]) {
        mkdirSync(join(src, path, '..'), { recursive: true });
        writeFileSync(join(src, path), path === file ? `${line}\nexport const x = 1;\n` : 'export const y = 1;\n');
      }
      expect(violations(scanImports(src))).toEqual([`${file} → ${target} (${reason})`]);
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });
});
