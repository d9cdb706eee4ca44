import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../src/config/load-config.js';
import { withSelection } from '../../src/config/orders-selection.js';
import { isOrdersPipeline, type PipelineConfig } from '../../src/config/pipeline-schema.js';
import type { OrdersPipelineConfig } from '../../src/config/orders-pipeline-schema.js';
import { ConfigError, UsageError } from '../../src/errors/sync-error.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const EXAMPLE = join(REPO_ROOT, 'examples/orders.toml');

function orders(config: PipelineConfig): OrdersPipelineConfig {
  if (!isOrdersPipeline(config)) throw new Error('expected an orders pipeline');
  return config;
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('orders pipeline config', () => {
  it('loads the shipped example with its defaults, and each environment over it', async () => {
    const base = orders(await loadPipelineConfig(EXAMPLE));
    expect(base.pipeline).toEqual({ name: 'orders', kind: 'orders', organization: 'default' });
    expect(base.source).toMatchObject({ type: 'sqlite', table: 'FACT_ORDER_LIST', columns: { key: 'ORDER_ID', customer: 'CUSTOMER', season: 'SEASON' }, pending_states: ['PENDING', 'FAILED'] });
    expect(base.destination.columns.status).toEqual({ source: 'ORDER_STATUS', type: 'status', create_labels_if_missing: false, match_labels: 'case_insensitive', value_map: { CONFIRMED: 'OPEN' } });
    expect(base.destination.subitems?.columns).toEqual({ numbers_qty: { field: 'qty', type: 'numbers' } });
    expect(base.options).toEqual({ batch_size: 50, partition_concurrency: 4, distributed: false });
    const development = orders(await loadPipelineConfig(EXAMPLE, { environment: 'development' }));
    expect(development.destination.api_url).toBe('http://127.0.0.1:4010/v2');
    expect(development.destination.board_id).toBe(base.destination.board_id);
    const production = orders(await loadPipelineConfig(EXAMPLE, { environment: 'production' }));
    expect(production.source).toMatchObject({ type: 'postgres', url_env: 'ORDERS_DATABASE_URL', schema: 'public', table: 'FACT_ORDER_LIST' });
    expect(production.store).toEqual({ type: 'postgres', url: 'postgres://syncscope@db:5432/syncscope', schema: 'syncscope' });
  });

  it('names the bad key and its line in the file', async () => {
    const path = file('bad.toml', [
      '[pipeline]', 'name = "orders"', 'kind = "orders"',
      '[source]', 'type = "sqlite"',
      '[destination]', 'type = "monday"', 'board_id = "123"', 'key_column_id = "k"',
      '[destination.columns.status]', 'source = "ORDER_STATUS"', 'type = "statuss"',
      '[destination.columns.qty]', 'source = "QTY"', 'type = "numbers"', 'value_mapp = { a = "b" }',
    ].join('\n'));
    const message = await errorOf(loadPipelineConfig(path));
    expect(message).toContain(`config file ${path} is invalid:`);
    expect(message).toMatch(/destination\.columns\.status\.type: Invalid option: expected one of .* \(line 12\)/);
    expect(message).toContain('destination.columns.qty: unknown key(s) "value_mapp" (line 16)');
  });

  it('names a missing key by its section\'s line, and a bad key set by an environment by its line there', async () => {
    const path = file('env.toml', [
      '[pipeline]', 'name = "orders"', 'kind = "orders"',
      '[source]', 'type = "sqlite"',
      '[destination]', 'type = "monday"', 'key_column_id = "k"',
      '[environments.production.destination]', 'board_id = "not-a-number"',
    ].join('\n'));
    expect(await errorOf(loadPipelineConfig(path))).toContain('destination.board_id: required (expected string) (line 6)');
    const message = await errorOf(loadPipelineConfig(path, { environment: 'production' }));
    expect(message).toContain('(environment production) is invalid');
    expect(message).toContain('destination.board_id: a numeric board ID (line 10)');
    expect(await errorOf(loadPipelineConfig(path, { environment: 'staging' }))).toBe(`config file ${path} has no [environments.staging] section (it has: production)`);
  });

  it('refuses an unknown pipeline kind with its line, in YAML too', async () => {
    const path = file('kind.yaml', ['pipeline:', '  name: orders', '  kind: ordres', 'source: { type: sqlite }'].join('\n'));
    expect(await errorOf(loadPipelineConfig(path))).toContain('pipeline.kind: must be one of github, orders, not "ordres" (line 3)');
    const yaml = file('bad.yaml', ['pipeline:', '  name: orders', '  kind: orders', 'source:', '  type: sqlite', '  page_size: 0', 'destination: { type: monday, board_id: "1", key_column_id: k }'].join('\n'));
    expect(await errorOf(loadPipelineConfig(yaml))).toMatch(/source\.page_size: .* \(line 6\)/);
  });
});

describe('the command line\'s selection', () => {
  it('adds customers, replaces the limit and drops subitems for orders pipelines', async () => {
    const base = await loadPipelineConfig(EXAMPLE);
    const chosen = orders(withSelection(base, { customers: ['PELOTON', ' rogue '], limit: 3, skipSubitems: true }));
    expect(chosen.source.customers).toEqual(['PELOTON', 'rogue']);
    expect(chosen.source.limit).toBe(3);
    expect(chosen.destination.subitems).toBeUndefined();
    expect(orders(base).destination.subitems).toBeDefined();
    expect(() => withSelection(base, { limit: 0 })).toThrow(UsageError);
  });

  it('refuses order flags for a GitHub pipeline rather than ignoring them', async () => {
    const github = await loadPipelineConfig(join(REPO_ROOT, 'examples/github-prs.toml'));
    expect(() => withSelection(github, { customers: ['PELOTON'] })).toThrow(/apply to orders pipelines; github-prs is a github pipeline/);
    expect(withSelection(github, {})).toBe(github);
  });
});
