import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_ENTRY } from '../../src/packaging/bundle-cli.js';
import { STACK_PATHS, loadProvisionedDatasources, readYaml, repoPath } from './stack-files.js';

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: number | string })[];
  volumes?: (string | { type: string; source?: string; target: string; read_only?: boolean })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface Mount {
  kind: 'bind' | 'volume';
  /** Host path relative to the repo root (bind), or the volume name. */
  source: string;
  target: string;
  readOnly: boolean;
}

const compose = readYaml<ComposeFile>(STACK_PATHS.compose);
const services = Object.entries(compose.services);

function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') {
      const kind = volume.type === 'bind' ? 'bind' : 'volume';
      return { kind, source: normalise(volume.source ?? ''), target: volume.target, readOnly: volume.read_only === true };
    }
    const [source = '', target = '', mode = ''] = volume.split(':');
    const kind = /^(\.|\/|~)/.test(source) ? 'bind' : 'volume';
    return { kind, source: kind === 'bind' ? normalise(source) : source, target, readOnly: mode.split(',').includes('ro') };
  });
}

function normalise(hostPath: string): string {
  return posix.normalize(hostPath).replace(/^\.\//, '');
}

function words(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split(/\s+/).filter(Boolean);
}

function environmentValues(service: ComposeService): string[] {
  const env = service.environment;
  if (env === undefined) return [];
  if (Array.isArray(env)) return env.map((entry) => entry.slice(entry.indexOf('=') + 1));
  return Object.values(env).map((value) => String(value ?? ''));
}

/** Paths named by `--config=…`, `-config.file=…`, `--config.file=…` flags. */
function configFlagPaths(service: ComposeService): string[] {
  return [...words(service.entrypoint), ...words(service.command)].flatMap((word) => {
    const match = /^--?config(?:\.file)?=(.+)$/.exec(word);
    return match?.[1] ? [match[1]] : [];
  });
}

function publishedContainerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'number') return port;
    if (typeof port === 'object') return port.target;
    const parts = port.split('/')[0]?.split(':') ?? [];
    return Number(parts[parts.length - 1]);
  });
}

/** The mount whose target is `containerPath` or a directory above it. */
function mountCovering(service: ComposeService, containerPath: string): Mount | undefined {
  return mountsOf(service).find((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`));
}

/** Host file (repo-relative) that a container path resolves to through the service's bind mounts. */
function hostFileFor(service: ComposeService, containerPath: string): string | undefined {
  const mount = mountCovering(service, containerPath);
  if (mount?.kind !== 'bind') return undefined;
  return mount.source + containerPath.slice(mount.target.length);
}

/** Every file under a host path (the path itself when it is a file), repo-relative. */
function filesUnder(hostPath: string): string[] {
  const absolute = repoPath(hostPath);
  if (!statSync(absolute).isDirectory()) return [hostPath];
  return readdirSync(absolute).flatMap((name) => filesUnder(`${hostPath}/${name}`));
}

/** Absolute container paths that the YAML files of a service's bind mounts name (relative ones resolved). */
function pathsNamedInMountedConfigs(service: ComposeService): string[] {
  const named: string[] = [];
  for (const mount of mountsOf(service).filter((m) => m.kind === 'bind' && existsSync(repoPath(m.source)))) {
    for (const file of filesUnder(mount.source).filter((f) => /\.ya?ml$/.test(f))) {
      const containerFile = mount.target + file.slice(mount.source.length);
      const visit = (value: unknown): void => {
        if (typeof value === 'string' && /^[\w./-]+\/[\w./-]+$/.test(value) && !value.includes('://')) {
          named.push(value.startsWith('/') ? value : posix.join(posix.dirname(containerFile), value));
        } else if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === 'object') Object.values(value).forEach(visit);
      };
      visit(parse(readFileSync(repoPath(file), 'utf8')));
    }
  }
  return named;
}

function imageVersion(image: string): string | undefined {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1).split('@')[0];
}

/** The value of `--flag value` or `--flag=value` in a command line. */
function flagValue(command: readonly string[], flag: string): string | undefined {
  const inline = command.find((word) => word.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  const at = command.indexOf(flag);
  return at === -1 ? undefined : command[at + 1];
}

function dependsOn(service: ComposeService): string[] {
  const deps = service.depends_on;
  if (deps === undefined) return [];
  return Array.isArray(deps) ? deps : Object.keys(deps);
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

/** Hosts of `host:port` and `scheme://host:port` addresses. */
function hostOf(address: string): string {
  return address.replace(/^\w+:\/\//, '').split(/[:/]/)[0] ?? '';
}

describe('docker-compose.yml', () => {
  it('has the app, its stores and the observability services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['app', 'worker', 'postgres', 'redis', 'otel-collector', 'tempo', 'loki', 'prometheus', 'pushgateway', 'alertmanager', 'alert-log', 'grafana']),
    );
  });

  it.each(services)('%s: pins its image to an explicit tag that is not latest', (_name, svc) => {
    expect(svc.image, 'every service names its image').toBeTruthy();
    const version = imageVersion(svc.image ?? '');
    expect(version, `${svc.image} has no tag`).toBeTruthy();
    expect(version).not.toBe('latest');
  });

  it.each(services)('%s: bind-mounts only repo paths that exist, read-only; named volumes are declared', (_name, svc) => {
    for (const mount of mountsOf(svc)) {
      if (mount.kind === 'bind') {
        expect(existsSync(repoPath(mount.source)), `${mount.source} does not exist`).toBe(true);
        expect(mount.readOnly, `${mount.source} should be mounted :ro`).toBe(true);
      } else {
        expect(Object.keys(compose.volumes ?? {}), `volume ${mount.source} is not declared`).toContain(mount.source);
      }
    }
  });

  it.each(services)('%s: depends only on services that exist', (_name, svc) => {
    for (const dependency of dependsOn(svc)) expect(Object.keys(compose.services)).toContain(dependency);
  });

  it.each(services)('%s: loads the config files it mounts, and mounts the config files it loads', (_name, svc) => {
    const referenced = [
      ...words(svc.entrypoint),
      ...words(svc.command).map((word) => word.replace(/^--?[\w.-]+=/, '')),
      ...environmentValues(svc),
      ...pathsNamedInMountedConfigs(svc),
    ];
    for (const mount of mountsOf(svc).filter((m) => m.kind === 'bind')) {
      const used = referenced.some((path) => path === mount.target || path.startsWith(`${mount.target}/`));
      expect(used, `${mount.source} is mounted at ${mount.target} but nothing the service runs refers to it`).toBe(true);
    }
    for (const path of configFlagPaths(svc)) {
      const hostFile = hostFileFor(svc, path);
      expect(hostFile, `${path} is not provided by a bind mount`).toBeTruthy();
      expect(existsSync(repoPath(hostFile ?? '')), `${hostFile} does not exist`).toBe(true);
    }
  });

  it('publishes the documented ports', () => {
    expect(publishedContainerPorts(service('app'))).toContain(9464);
    expect(publishedContainerPorts(service('grafana'))).toContain(3000);
    expect(publishedContainerPorts(service('prometheus'))).toContain(9090);
    expect(publishedContainerPorts(service('otel-collector'))).toEqual(expect.arrayContaining([4317, 4318]));
    expect(publishedContainerPorts(service('tempo'))).toContain(3200);
    expect(publishedContainerPorts(service('loki'))).toContain(3100);
    expect(publishedContainerPorts(service('pushgateway'))).toContain(9091);
    expect(publishedContainerPorts(service('alertmanager'))).toContain(9093);
  });

  it('gives CLI runs in the app container the Pushgateway to push to', () => {
    const env = service('app').environment as Record<string, string>;
    expect(env.SYNCSCOPE_PUSHGATEWAY_URL).toBe('http://pushgateway:9091');
  });

  it('runs the alert-log receiver on the port Alertmanager sends to', () => {
    const log = service('alert-log');
    const am = readYaml<{ receivers: { name: string; webhook_configs?: { url: string }[] }[] }>('otel/alertmanager/alertmanager.yml');
    const urls = am.receivers.flatMap((r) => r.webhook_configs?.map((w) => new URL(w.url)) ?? []);
    expect(urls.map((u) => u.hostname)).toContain('alert-log');
    const port = (log.environment as Record<string, string>).PORT;
    for (const url of urls.filter((u) => u.hostname === 'alert-log')) expect(url.port).toBe(port);
    expect(words(log.command)).toEqual(['node', '/alert-log/alert-log.mjs']);
  });

  it('runs the app as `serve --port 9464` on all interfaces, exporting OTLP to the collector', () => {
    const app = service('app');
    const command = words(app.command);
    expect(command[0]).toBe('serve');
    expect(flagValue(command, '--port')).toBe('9464');
    // serve binds 127.0.0.1 by default: unreachable for Prometheus in another container.
    expect(flagValue(command, '--host')).toBe('0.0.0.0');
    const env = app.environment as Record<string, string>;
    expect(hostOf(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '')).toBe('otel-collector');
    expect(env.OTEL_SERVICE_NAME).toBe('syncscope');
    const build = typeof app.build === 'string' ? { context: app.build } : app.build;
    expect(existsSync(join(repoPath(build?.context ?? '.'), build?.dockerfile ?? 'Dockerfile'))).toBe(true);
  });

  it('runs `worker` from the app image on Redis, scalable with --scale worker=N (no container name, no host port)', () => {
    const worker = service('worker');
    expect(worker.image).toBe(service('app').image);
    const command = words(worker.command);
    expect(command[0]).toBe('worker');
    // The worker binds 127.0.0.1 by default: unreachable for Prometheus in another container.
    expect(flagValue(command, '--host')).toBe('0.0.0.0');
    const env = worker.environment as Record<string, string>;
    expect(hostOf(env.SYNCSCOPE_REDIS_URL ?? '')).toBe('redis');
    expect(hostOf(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '')).toBe('otel-collector');
    const raw = (compose.services as Record<string, Record<string, unknown>>).worker ?? {};
    expect(raw.container_name, 'a container_name would make --scale fail').toBeUndefined();
    expect(raw.ports, 'a fixed host port would make --scale fail').toBeUndefined();
  });

  it('Prometheus finds every worker copy through Docker DNS on the worker port', () => {
    const prometheus = readYaml<{ scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[] }>(STACK_PATHS.prometheusConfig);
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'syncscope-worker');
    expect(job?.dns_sd_configs).toEqual([expect.objectContaining({ names: ['worker'], type: 'A', port: Number((service('worker').environment as Record<string, string>).SYNCSCOPE_WORKER_PORT) })]);
  });

  it('builds an app image whose entrypoint is the package\'s executable', () => {
    const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
    expect(entrypoint, 'Dockerfile has an exec-form ENTRYPOINT').toBeTruthy();
    const [runtime, script = ''] = JSON.parse(entrypoint ?? '[]') as string[];
    expect(runtime).toBe('node');
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(script).toBe(pkg.bin?.syncscope);
    // `npm run build` bundles each CLI_ENTRY into dist/bundle/<name>.js; the image runs that build.
    const bundled = /^dist\/bundle\/([\w-]+)\.js$/.exec(script)?.[1] ?? '';
    const source = (CLI_ENTRY as Record<string, string>)[bundled];
    expect(source, `${script} is not one of the bundle's entries (${Object.keys(CLI_ENTRY).join(', ')})`).toBeTruthy();
    expect(existsSync(source ?? ''), `${source} (bundled into ${script}) does not exist`).toBe(true);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
  });

  it('has a healthcheck on every service but the distroless collector', () => {
    for (const [name, svc] of services) {
      if (name === 'otel-collector') continue;
      expect(svc.healthcheck?.test, `${name} has no healthcheck`).toBeTruthy();
    }
  });

  it('enables exemplar storage on Prometheus', () => {
    expect(words(service('prometheus').command)).toContain('--enable-feature=exemplar-storage');
  });
});

describe('OpenTelemetry Collector config', () => {
  const collector = service('otel-collector');
  const configPath = configFlagPaths(collector)[0] ?? '';
  const hostFile = hostFileFor(collector, configPath) ?? '';
  const config = readYaml<{
    receivers: Record<string, { protocols?: Record<string, { endpoint?: string }> }>;
    exporters: Record<string, { endpoint?: string }>;
    extensions?: Record<string, unknown>;
    service: { extensions?: string[]; pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
  }>(hostFile);

  it('is the file the collector is started with', () => {
    expect(hostFile).toBe('otel/collector.yaml');
  });

  it('binds every receiver protocol to 0.0.0.0', () => {
    const endpoints = Object.values(config.receivers).flatMap((receiver) =>
      Object.values(receiver.protocols ?? {}).map((protocol) => protocol?.endpoint ?? '(default: localhost)'),
    );
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^0\.0\.0\.0:\d+$/);
  });

  it('runs memory_limiter first and batch last in every pipeline', () => {
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      const processors = pipeline.processors ?? [];
      expect(processors[0], name).toBe('memory_limiter');
      expect(processors[processors.length - 1], name).toBe('batch');
    }
  });

  it('sends traces to Tempo and logs to Loki’s native OTLP endpoint', () => {
    const exporter = (pipeline: string): { name: string; endpoint: string } => {
      const name = config.service.pipelines[pipeline]?.exporters[0] ?? '';
      return { name, endpoint: config.exporters[name]?.endpoint ?? '' };
    };
    expect(hostOf(exporter('traces').endpoint)).toBe('tempo');
    expect(exporter('logs').endpoint).toBe('http://loki:3100/otlp');
  });

  it('uses exporter names valid for the pinned image version (renamed in 0.144)', () => {
    const [major = 0, minor = 0] = (imageVersion(collector.image ?? '') ?? '0.0').split('.').map(Number);
    const renamed = major > 0 || minor >= 144;
    const types = Object.keys(config.exporters).map((name) => name.split('/')[0]);
    const stale = renamed ? ['otlp', 'otlphttp'] : ['otlp_grpc', 'otlp_http'];
    for (const type of types) expect(stale, `exporter ${type} with image ${collector.image}`).not.toContain(type);
  });

  it('enables the health_check extension', () => {
    expect(config.extensions).toHaveProperty('health_check');
    expect(config.service.extensions).toContain('health_check');
  });
});

describe('addresses between services', () => {
  const serviceNames = new Set(Object.keys(compose.services));
  const prometheus = readYaml<{
    alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; honor_labels?: boolean; static_configs?: { targets: string[] }[] }[];
  }>(STACK_PATHS.prometheusConfig);

  it('Prometheus sends alerts to the compose Alertmanager', () => {
    const targets = prometheus.alerting?.alertmanagers.flatMap((am) => am.static_configs.flatMap((sc) => sc.targets)) ?? [];
    expect(targets).toEqual(['alertmanager:9093']);
  });

  it('Prometheus scrapes the Pushgateway with honor_labels (keeps each push\'s job, instance and pipeline)', () => {
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'pushgateway');
    expect(job?.honor_labels).toBe(true);
    expect(job?.static_configs?.flatMap((sc) => sc.targets)).toEqual(['pushgateway:9091']);
  });

  it('Prometheus scrapes compose services (or itself)', () => {
    const config = readYaml<{ scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] }>(
      STACK_PATHS.prometheusConfig,
    );
    const targets = config.scrape_configs.flatMap((job) => job.static_configs?.flatMap((sc) => sc.targets) ?? []);
    expect(targets).toContain('app:9464');
    for (const target of targets) expect([...serviceNames, 'localhost']).toContain(hostOf(target));
  });

  it('Grafana datasources point at compose services', () => {
    for (const ds of loadProvisionedDatasources()) expect(serviceNames, ds.name).toContain(hostOf(ds.url ?? ''));
  });
});
