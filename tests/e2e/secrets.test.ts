import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';
import { decodedRows } from '../helpers/store-rows.js';
import { jsonLines, runCli, tempDir, type CliResult } from '../helpers/cli.js';

/** The client's token (GITHUB_TOKEN): the simulator requires it, so it is on every request. */
const TOKEN = 'ghp_PlantedSecretToken4242424242424242424';
/** Values only a secret-looking *field name* gives away: no redactor knows them. */
const PASSWORD = 'hunter2-planted-password-77a1';
const API_KEY = 'sk_live_planted_api_key_9f3e';
/** Credentials in URLs: userinfo and token query strings in an error message, a Grafana auth_token. */
const URL_PASSWORD = 'planted-userinfo-pass-5c1d';
const URL_USER = 'planted-userinfo-user-8b2e';
const QUERY_TOKEN = 'planted-access-token-qs-3f9a';
const QUERY_SIG = 'planted-sig-qs-7e21';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJwbGFudGVkIjoxfQ.cGxhbnRlZC1qd3Qtc2lnbmF0dXJl';
const GRAFANA_TOKEN = 'glsa_planted_grafana_token_6d4c';
const GRAFANA_PASSWORD = 'planted-grafana-pass-1a9f';
const SECRETS = [TOKEN, PASSWORD, API_KEY, URL_PASSWORD, URL_USER, QUERY_TOKEN, QUERY_SIG, JWT, GRAFANA_TOKEN, GRAFANA_PASSWORD];
const LEAKY_URL = `http://${URL_USER}:${URL_PASSWORD}@mirror.internal:8443/repos?access_token=${QUERY_TOKEN}&sig=${QUERY_SIG}`;

interface Leaks {
  /** Plant secret fields in the org's repository list (a response body the audit keeps). */
  bodyFields: boolean;
  /** Make the provider echo the token in error messages: a partition's and a record's. */
  errorMessages: boolean;
  /** Error messages carrying a URL with userinfo and token query parameters, and a JWT. */
  urlSecrets?: boolean;
  /** SYNCSCOPE_GRAFANA_URL for the run. */
  grafanaUrl?: string;
}

/**
 * Between the client and the simulator, planting what a careless API might return. The client
 * only sends GETs (no request bodies), so the secret body fields go in a *response* body.
 */
async function startLeakyProxy(upstream: string, leaks: Leaks): Promise<{ url: string; close: () => Promise<void> }> {
  let self = '';
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    if (leaks.urlSecrets && /\/repo-002\/pulls(\?|$)/.test(path)) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `upstream mirror ${LEAKY_URL} refused (Bearer ${JWT})` }));
      return;
    }
    if (leaks.urlSecrets && /\/repo-001\/pulls\/\d+\/reviews/.test(path)) {
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `reviews moved to ${LEAKY_URL}`, documentation_url: LEAKY_URL }));
      return;
    }
    if (leaks.errorMessages && /\/repo-002\/pulls(\?|$)/.test(path)) {
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Validation Failed: token ${TOKEN} may not list pulls` }));
      return;
    }
    if (leaks.errorMessages && /\/repo-001\/pulls\/\d+\/reviews/.test(path)) {
      res.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `reviews refused for ${TOKEN}` }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept', 'user-agent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${upstream}${path}`, { method: req.method, headers });
    let body = await answer.text();
    if (leaks.bodyFields && answer.ok && /^\/orgs\/[^/]+\/repos/.test(path)) {
      const repos = JSON.parse(body) as Array<Record<string, unknown>>;
      body = JSON.stringify(repos.map((repo) => ({
        ...repo,
        description: `deploy key: token ${TOKEN}`,
        token: TOKEN,
        password: PASSWORD,
        settings: { api_key: API_KEY, webhook_secret: PASSWORD },
      })));
    }
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      // `link` names the next page: keep the client on the proxy.
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value.split(upstream).join(self);
    });
    res.writeHead(answer.status, out).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function expectClean(where: string, text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} contains ${secret.slice(0, 12)}…`).toBe(false);
}

/** One run through the leaky proxy, with the token as GITHUB_TOKEN, spans exported over OTLP. */
function scenario(name: string, leaks: Leaks) {
  const tmp = tempDir();
  const receiver = new OtlpReceiver();
  const state = { storePath: join(tmp.dir, 'store.db'), reports: join(tmp.dir, 'reports'), result: undefined as unknown as CliResult, summary: {} as Record<string, any>, receiver };
  let sim: GithubSimulator;
  let proxy: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const endpoint = await receiver.start();
    sim = await startGithubSimulator({ repos: 3, prsPerRepo: 12, reviewsPerPr: 1, token: TOKEN });
    proxy = await startLeakyProxy(sim.url, leaks);
    const config = join(tmp.dir, 'pipeline.toml');
    writeFileSync(config, [
      '[pipeline]', `name = "${name}"`,
      '[source]', 'type = "github"', 'mode = "rest"', `base_url = "${proxy.url}"`, `org = "${sim.org}"`, 'per_page = 5', `include_reviews = ${leaks.errorMessages || leaks.urlSecrets === true}`,
      '[destination]', 'type = "sqlite"', `path = "${join(tmp.dir, 'github.db')}"`,
      '[store]', 'type = "sqlite"', `path = "${state.storePath}"`,
      '[reports]', `dir = "${state.reports}"`,
      '[audit]', 'bodies = "all"',
    ].join('\n'));
    state.result = await runCli(['run', '--config', config, '--execute', '--json', '--log-level', 'debug'], {
      env: { GITHUB_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SYNCSCOPE_GRAFANA_URL: leaks.grafanaUrl ?? 'http://grafana.test:3000' },
    });
    state.summary = JSON.parse(state.result.stdout);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
    await receiver.stop();
    tmp.cleanup();
  });
  return state;
}

const sinks = {
  events: (s: ReturnType<typeof scenario>) => {
    expect(jsonLines(s.result.stderr).length).toBeGreaterThan(20);
    expectClean('stderr', s.result.stderr);
    expectClean('stdout', s.result.stdout);
  },
  spans: (s: ReturnType<typeof scenario>) => {
    expect(s.receiver.spans.length).toBeGreaterThan(10);
    expectClean('OTLP bodies', s.receiver.rawBodies.join('\n'));
  },
  store: (s: ReturnType<typeof scenario>) => {
    const db = new Database(s.storePath, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'partitions', 'batches', 'record_states', 'api_calls', 'checkpoints']));
    for (const table of tables) expectClean(`table ${table}`, JSON.stringify(decodedRows(db, `SELECT * FROM "${table}"`)));
    db.close();
    for (const file of [s.storePath, `${s.storePath}-wal`].filter(existsSync)) expectClean(file, readFileSync(file).toString('latin1'));
  },
  reports: (s: ReturnType<typeof scenario>) => {
    const folder = join(s.reports, 'sync', s.summary.sync_id);
    const files = readdirSync(folder, { recursive: true }).map((name) => join(folder, String(name))).filter((path) => /\.(md|json)$/.test(path));
    expect(files.length).toBe(2 + 3 * 2);
    for (const file of files) expectClean(file, readFileSync(file, 'utf8'));
  },
};

describe('secrets (the client token, secret fields in an API response body) stay out of every output', () => {
  const s = scenario('secrets', { bodyFields: true, errorMessages: false });

  it('the run went through the planted fields (the test is not vacuous)', () => {
    expect(s.result.code, s.result.stderr.slice(-2000)).toBe(0);
    expect(s.summary.records.synced).toBe(36);
    const db = new Database(s.storePath, { readonly: true });
    const call = decodedRows(db, "SELECT * FROM api_calls WHERE sync_id = ? AND operation = 'repos.listForOrg'", s.summary.sync_id)[0] as unknown as { request_headers: string; response_body: string };
    db.close();
    expect(JSON.parse(call.request_headers).authorization).toBe('[REDACTED]');
    for (const field of ['token', 'password', 'api_key', 'webhook_secret']) expect(call.response_body).toContain(`"${field}":"[REDACTED]"`);
    expect(call.response_body).toContain('deploy key: token [REDACTED]');
  });

  it('is in no stderr event and not on stdout', () => sinks.events(s));
  it('is in no exported span or log record', () => sinks.spans(s));
  it('is in no row of any store table, nor in the store files themselves', () => sinks.store(s));
  it('is in no report file', () => sinks.reports(s));
});

describe('a token echoed in provider error messages (a partition error and record errors)', () => {
  const s = scenario('secrets-in-errors', { bodyFields: false, errorMessages: true });

  it('fails the partition and the records it should', () => {
    expect(s.result.code).toBe(1);
    expect(s.summary.partitions.failed).toBeGreaterThanOrEqual(1);
    expect(s.summary.records.failed).toBeGreaterThan(0);
  });

  it('is in no stderr event and not on stdout', () => sinks.events(s));
  it('is in no report file', () => sinks.reports(s));
  // Both once leaked: span status messages and record failure messages are now redacted at the source.
  it('is in no exported span', () => sinks.spans(s));
  it('is in no store row', () => sinks.store(s));
});

describe('credentials in URLs (userinfo, token query strings, a JWT in an error; a Grafana auth_token)', () => {
  const s = scenario('secrets-in-urls', {
    bodyFields: false,
    errorMessages: false,
    urlSecrets: true,
    grafanaUrl: `http://admin:${GRAFANA_PASSWORD}@grafana.test:3000/?auth_token=${GRAFANA_TOKEN}`,
  });

  it('went through the planted errors and still links Grafana (the test is not vacuous)', () => {
    expect(s.result.code, s.result.stderr.slice(-2000)).toBe(1);
    expect(s.summary.partitions.failed).toBeGreaterThanOrEqual(1);
    expect(s.result.stderr).toContain('mirror.internal');
    const folder = join(s.reports, 'sync', s.summary.sync_id);
    const texts = readdirSync(folder, { recursive: true }).map((name) => join(folder, String(name))).filter((p) => /\.md$/.test(p)).map((p) => readFileSync(p, 'utf8'));
    expect(texts.join('\n')).toContain('http://grafana.test:3000/explore');
  });

  it('is in no stderr event and not on stdout', () => sinks.events(s));
  it('is in no report file', () => sinks.reports(s));
  it('is in no exported span', () => sinks.spans(s));
  it('is in no store row', () => sinks.store(s));
});
