import { describe, expect, it } from 'vitest';
import {
  MASK,
  credentialFreeBaseUrl,
  isSecretQueryParam,
  redactCredentials,
  sanitizeUrl,
  stripUrlCredentials,
  urlCredentials,
} from '../../src/config/secret-patterns.js';
import { seededRandom } from '../../src/simulator/monday/rng.js';
import { SECRET_SHAPES } from '../helpers/secret-shapes.js';

describe('redactCredentials: every planted shape', () => {
  it.each(SECRET_SHAPES.map((s) => [s.name, s] as const))('%s', (_name, shape) => {
    const out = redactCredentials(shape.text);
    expect(out).not.toContain(shape.secret);
    expect(out).toContain(MASK);
  });

  it.each(SECRET_SHAPES.map((s) => [s.name, s] as const))('sanitizeUrl masks %s (text that is not one URL)', (_name, shape) => {
    expect(sanitizeUrl(shape.text)).not.toContain(shape.secret);
  });
});

describe('redactCredentials keeps what is not a credential', () => {
  it.each([
    ['a plain message', 'GitHub 404: Not Found'],
    ['a URL without credentials', 'GET https://api.github.com/repos/acme/web/pulls?page=2&per_page=100'],
    ['an email address', 'contact ops@example.com'],
    ['a short word after token', 'token expired'],
    ['a query name ending in key', 'https://h/p?monkey=banana'],
    ['an eyJ prefix that is not a JWT', 'eyJhbGciOiJIUzI1NiJ9 only'],
  ])('%s', (_name, text) => {
    expect(redactCredentials(text)).toBe(text);
  });

  it('masks exactly the credential part of each shape', () => {
    expect(redactCredentials('see http://u:p@h/x')).toBe('see http://***@h/x');
    expect(redactCredentials('https://h/p?a=1&access_token=abc&b=2')).toBe('https://h/p?a=1&access_token=***&b=2');
    expect(redactCredentials('https://h/p?TOKEN=abc#frag')).toBe('https://h/p?TOKEN=***#frag');
    expect(redactCredentials('Authorization: Bearer abcdefgh12')).toBe('Authorization: Bearer ***');
    expect(redactCredentials('basic\tabcdefgh12')).toBe('basic\t***');
    expect(redactCredentials('x eyJabcde.fghijkl.mnopqrs y')).toBe('x *** y');
    expect(redactCredentials('ghp_abcdefghijklmnopqrst!')).toBe('***!');
    expect(redactCredentials('id ASIAABCDEFGHIJKLMNOP.')).toBe('id ***.');
    expect(redactCredentials('k sk_live_abcdefghijklmnop1')).toBe('k ***');
    expect(redactCredentials(`g AIza${'a'.repeat(35)}`)).toBe('g ***');
    expect(redactCredentials('s xoxp-abcdefghij12')).toBe('s ***');
  });

  it('leaves short values after an auth scheme (not a credential)', () => {
    expect(redactCredentials('Bearer abc')).toBe('Bearer abc');
    expect(redactCredentials('ghp_short')).toBe('ghp_short');
  });
});

/**
 * The masking as plain regexes, one pass each: what redactCredentials must give, however it gets
 * there (it skips scans and looks for a URL's scheme backwards, for speed).
 */
function referenceRedaction(text: string): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>]+@/gi, (_m, scheme: string) => `${scheme}${MASK}@`);
  out = out.replace(
    /([?&;](?:access_token|auth_token|token|api_key|apikey|key|sig|signature|password|client_secret|x-amz-signature|x-amz-credential|x-amz-security-token|refresh_token|id_token|secret)=)[^&#\s'"<>]+/gi,
    (_m, prefix: string) => `${prefix}${MASK}`,
  );
  out = out.replace(/\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme: string, space: string) => `${scheme}${space}${MASK}`);
  out = out.replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, MASK);
  for (const pattern of [
    /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
    /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    /\bsk_(?:live|test)_[A-Za-z0-9]{16,}/g,
    /\bAIza[A-Za-z0-9_-]{35}/g,
  ]) out = out.replace(pattern, MASK);
  return out;
}

describe('redactCredentials gives what the plain regexes give', () => {
  it.each([
    ['userinfo after a scheme that starts mid-run', '-a://u:p@h x.y://t@h _a://u@h 1a://u@h a-://u@h'],
    ['a scheme at the very start, upper case', 'HTTPS://user:pw@host/'],
    ['two URLs, the first without userinfo', 'a://b://c@d'],
    ['userinfo cut by a delimiter', 'http://us er@h http://u/p@h http://u?x@h'],
    ['an @ but no ://', 'mail ops@example.com, see :// later @'],
    ['no scheme before ://', ' ://u@h :://u@h +://u@h'],
    ['a page of JSON with URLs and no @', JSON.stringify({ url: 'https://api.github.com/repos/acme/web/pulls/1', avatar: 'https://avatars/u/1?v=4' })],
  ])('%s', (_name, text) => {
    expect(redactCredentials(text)).toBe(referenceRedaction(text));
  });

  it('on 2,000 random strings built from the characters the shapes turn on', () => {
    const pieces = ['://', '@', 'http', 'a', 'Z', '1', '_', '-', '.', '+', '/', '?', '#', ' ', 'token=', '&', 'Bearer ', 'xoxp-', 'AKIA', 'ghp_', 'abcdefghij', 'eyJabcde.', 'AIza', 'sk_live_', '"'];
    const random = seededRandom(7);
    const mismatches: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 2 + Math.floor(random() * 14) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      if (redactCredentials(text) !== referenceRedaction(text)) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('URL helpers', () => {
  it.each([
    ['http://user:pass@host/x', ['userinfo']],
    ['http://user@host/x', ['userinfo']],
    ['http://:pass@host/x', ['userinfo']],
    ['https://h/x?access_token=a&page=1&SIG=b', ['access_token', 'SIG']],
    ['https://h/x?page=1', []],
    ['not a url', []],
    ['garbage://u:p@ with spaces', ['userinfo']],
  ])('urlCredentials(%s)', (url, expected) => {
    expect(urlCredentials(url)).toEqual(expected);
  });

  it('urlCredentials answers the same on every call (no regex state kept)', () => {
    expect(urlCredentials('x u://a:b@c d')).toEqual(['userinfo']);
    expect(urlCredentials('x u://a:b@c d')).toEqual(['userinfo']);
  });

  it.each([
    ['http://u:p@grafana:3000/d/x?orgId=1&auth_token=t0k', 'http://grafana:3000/d/x?orgId=1&auth_token=***'],
    ['https://h/p?a=1&b=2', 'https://h/p?a=1&b=2'],
    ['https://u@h/', 'https://h/'],
    ['https://h/hook/ghp_abcdefghijklmnopqrst', 'https://h/hook/***'],
    ['http://a:b@ not parsable', 'http://***@ not parsable'],
  ])('sanitizeUrl(%s)', (url, expected) => {
    expect(sanitizeUrl(url)).toBe(expected);
  });

  it.each([
    ['http://u:p@h/x?token=t', 'http://h/x?token=t'],
    ['http://h/x', 'http://h/x'],
    ['bad http://u:p@h', 'bad http://***@h'],
  ])('stripUrlCredentials(%s)', (url, expected) => {
    expect(stripUrlCredentials(url)).toBe(expected);
  });

  it.each([
    ['access_token', true],
    ['X-Amz-Signature', true],
    ['Key', true],
    ['page', false],
    ['monkey', false],
  ])('isSecretQueryParam(%s) = %s', (name, expected) => {
    expect(isSecretQueryParam(name)).toBe(expected);
  });
});

describe('credentialFreeBaseUrl (SYNCSCOPE_GRAFANA_URL)', () => {
  it.each([
    ['http://admin:pw@grafana:3000/?auth_token=graf-tok&orgId=1#x', 'http://grafana:3000/?orgId=1'],
    ['http://grafana:3000', 'http://grafana:3000/'],
    ['https://g.example/grafana/?access_token=a', 'https://g.example/grafana/'],
    ['nonsense http://u:p@x', 'nonsense http://***@x'],
  ])('%s → %s', (raw, expected) => {
    expect(credentialFreeBaseUrl(raw)).toBe(expected);
  });
});
