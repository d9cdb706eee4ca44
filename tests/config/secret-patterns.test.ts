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
import { tunedForScanning } from '../../src/config/regexp-tuning.js';
import { longMaskingInputs, randomMaskingInputs, referenceRedaction } from '../helpers/reference-redaction.js';
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

  it.each([
    ['a value that holds the next parameter', 'x?token=a;sig=b&key=c'],
    ['a name that only ends in a secret one', '?monkey=1&xkey=2&-key=3&key=&key=4'],
    ['separators and = without a value', '?;&=token= ?token=#x &key=\u00a0v'],
    ['names in other cases, with - and _', '?X-Amz-Signature=s&Client_Secret=c&API_KEY=k'],
    ['a name longer than any secret one', `?${'a'.repeat(21)}token=v ?ax-amz-security-token=v ?${'b'.repeat(15)}=w`],
    ['non-ASCII letters that fold to ASCII', '?\u212Aey=v ?\u017Fig=v ?toKen=v'],
  ])('%s', (_name, text) => {
    expect(redactCredentials(text)).toBe(referenceRedaction(text));
  });

  it('on 3,000 random strings built from the characters the shapes turn on', () => {
    const mismatches = randomMaskingInputs(7, 3000).filter((text) => redactCredentials(text) !== referenceRedaction(text));
    expect(mismatches).toEqual([]);
  });

  it('on 200 random texts of 1–2 KB, as API bodies are long', () => {
    const texts = longMaskingInputs(9, 200);
    expect(Math.min(...texts.map((text) => text.length))).toBeGreaterThanOrEqual(1024);
    expect(texts.filter((text) => redactCredentials(text) !== referenceRedaction(text))).toEqual([]);
  });
});

describe('tunedForScanning', () => {
  it('hands back the pattern itself, ready to run (lastIndex 0), matching what it matched', () => {
    const pattern = /\bsk_(?:live|test)_[A-Za-z0-9]{16,}/g;
    const text = `${'succeeded '.repeat(110)}sk_live_abcdefghijklmnop1 and sk_test_0123456789abcdefXY`;
    const expected = text.match(new RegExp(pattern.source, pattern.flags));
    const tuned = tunedForScanning(pattern);
    expect(tuned).toBe(pattern);
    expect(tuned.lastIndex).toBe(0);
    expect(text.match(tuned)).toEqual(expected);
    expect(expected).toEqual(['sk_live_abcdefghijklmnop1', 'sk_test_0123456789abcdefXY']);
  });

  it('leaves a sticky pattern at lastIndex 0 too', () => {
    const sticky = tunedForScanning(/x/y);
    expect(sticky.lastIndex).toBe(0);
    expect(sticky.test('xa')).toBe(true);
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
