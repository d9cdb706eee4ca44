import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';
import { ConfigError } from '../../src/errors/sync-error.js';

describe('readEnvironment', () => {
  it('reads the Pushgateway settings, defaulting the instance to the host name', () => {
    expect(readEnvironment({}).pushgateway).toBeUndefined();
    expect(readEnvironment({ SYNCSCOPE_PUSHGATEWAY_URL: 'http://localhost:9091' }).pushgateway).toEqual({
      url: 'http://localhost:9091',
      instance: hostname(),
      timeoutMs: 2000,
    });
    expect(
      readEnvironment({ SYNCSCOPE_PUSHGATEWAY_URL: 'https://gw:9091', SYNCSCOPE_PUSHGATEWAY_INSTANCE: 'worker-1', SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS: '750' }).pushgateway,
    ).toEqual({ url: 'https://gw:9091', instance: 'worker-1', timeoutMs: 750 });
  });

  it.each([
    [{ SYNCSCOPE_PUSHGATEWAY_URL: 'localhost:9091' }, /SYNCSCOPE_PUSHGATEWAY_URL: "localhost:" is not http: or https:/],
    [{ SYNCSCOPE_PUSHGATEWAY_URL: 'not a url' }, /SYNCSCOPE_PUSHGATEWAY_URL: "not a url" is not a URL/],
    [{ SYNCSCOPE_PUSHGATEWAY_URL: 'http://gw', SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS: '2s' }, /SYNCSCOPE_PUSHGATEWAY_TIMEOUT_MS must be an integer/],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment' }, /OTEL_RESOURCE_ATTRIBUTES: "deployment.environment" is not key=value/],
    [{ OTEL_BSP_SCHEDULE_DELAY: '5s' }, /OTEL_BSP_SCHEDULE_DELAY must be an integer from 1 to 600000 \(milliseconds\), not "5s"/],
    [{ OTEL_BLRP_SCHEDULE_DELAY: '0' }, /OTEL_BLRP_SCHEDULE_DELAY must be an integer/],
  ])('names the variable of a bad value: %o', (env, message) => {
    expect(() => readEnvironment(env)).toThrow(ConfigError);
    expect(() => readEnvironment(env)).toThrow(message);
  });

  it('reads the export delays of spans and log records from the standard OTEL_BSP_ / OTEL_BLRP_ variables, 1 s unless set', () => {
    expect(readEnvironment({}).exportDelayMs).toEqual({ spans: 1000, logs: 1000 });
    expect(readEnvironment({ OTEL_BSP_SCHEDULE_DELAY: '30000', OTEL_BLRP_SCHEDULE_DELAY: ' 250 ' }).exportDelayMs).toEqual({ spans: 30_000, logs: 250 });
  });

  it('parses OTEL_RESOURCE_ATTRIBUTES, and takes the service name from OTEL_SERVICE_NAME first', () => {
    const env = readEnvironment({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs, deployment.environment=prod,team=data%20sync' });
    expect(env.resourceAttributes).toEqual({ 'service.name': 'from-attrs', 'deployment.environment': 'prod', team: 'data sync' });
    expect(env.serviceName).toBe('from-attrs');
    expect(readEnvironment({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs', OTEL_SERVICE_NAME: 'sync-prod' }).serviceName).toBe('sync-prod');
    expect(readEnvironment({}).serviceName).toBe('syncscope');
  });
});

describe('SYNCSCOPE_GRAFANA_URL', () => {
  it('is rebuilt without user:pass and auth_token before anything prints it', () => {
    const env = readEnvironment({ SYNCSCOPE_GRAFANA_URL: 'http://admin:s3cret@grafana:3000/?auth_token=glsa_tok123' });
    expect(env.grafanaUrl).toBe('http://grafana:3000/');
  });
});
