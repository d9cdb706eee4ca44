import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_KEYS, REDACTED, Redactor } from '../../src/telemetry/redaction.js';
import { longMaskingInputs, randomMaskingInputs, referenceTextRedaction } from '../helpers/reference-redaction.js';
import { SECRET_SHAPES } from '../helpers/secret-shapes.js';

const KNOWN = 'known-secret-value-1234';
const redactor = new Redactor({ knownSecrets: [KNOWN, 'abc'] });
const shapes = SECRET_SHAPES.map((s) => [s.name, s] as const);

/** Every way text leaves through the Redactor, each returning what would be written. */
const ENTRY_POINTS: Array<[string, (text: string) => string]> = [
  ['text', (t) => redactor.text(t)],
  ['fields (string value)', (t) => String(redactor.fields({ message: t }).message)],
  ['json (nested string)', (t) => JSON.stringify(redactor.json({ error: { detail: [t] } }))],
  ['headers (plain header)', (t) => redactor.headers({ 'x-note': t })['x-note'] ?? ''],
  ['url', (t) => redactor.url(t)],
  ['body (JSON text)', (t) => redactor.body(JSON.stringify({ message: t })).text ?? ''],
  ['body (parsed, no secret key)', (t) => redactor.body(JSON.stringify({ message: t }), { message: t }).text ?? ''],
  ['body (plain text)', (t) => redactor.body(t).text ?? ''],
];

describe.each(ENTRY_POINTS)('Redactor.%s', (_entry, redact) => {
  it.each(shapes)('masks %s', (_name, shape) => {
    expect(redact(shape.text)).not.toContain(shape.secret);
  });

  it('masks a known secret wherever it occurs', () => {
    expect(redact(`failed with ${KNOWN} inside`)).not.toContain(KNOWN);
  });
});

describe('Redactor field names', () => {
  it.each([
    ['token', true],
    ['GITHUB_TOKEN', true],
    ['api-key', true],
    ['ApiKey', true],
    ['Authorization', true],
    ['session_id', true],
    ['private_key', true],
    ['credentials', true],
    ['passwd', true],
    ['client_secret', true],
    ['cookie', true],
    ['title', false],
    ['author', false],
    ['state', false],
  ])('isSecretKey(%s) = %s', (key, expected) => {
    expect(redactor.isSecretKey(key)).toBe(expected);
    expect(redactor.isSecretKey(key)).toBe(expected); // answered again from the cache
  });

  it('uses the configured keys instead of the defaults', () => {
    const custom = new Redactor({ secretKeys: ['pin'] });
    expect(custom.isSecretKey('user_pin')).toBe(true);
    expect(custom.isSecretKey('token')).toBe(false);
    expect(DEFAULT_SECRET_KEYS).toContain('token');
  });

  it('fields: secret-keyed values become REDACTED, others are redacted as text, null/undefined kept', () => {
    expect(redactor.fields({ token: 'x', password: 42, title: 'Bearer abcdefgh12', n: 3, secret: null, cookie: undefined })).toEqual({
      token: REDACTED,
      password: REDACTED,
      title: `Bearer ${REDACTED}`,
      n: 3,
      secret: null,
      cookie: undefined,
    });
  });

  it('json: redacts by key at any depth, keeps numbers, booleans and null', () => {
    expect(redactor.json({ a: [{ token: 's' }, 1, true, null], b: { password: { nested: 1 } }, c: 'ok', token: null })).toEqual({
      a: [{ token: REDACTED }, 1, true, null],
      b: { password: REDACTED },
      c: 'ok',
      token: null,
    });
    expect(redactor.json(`x ${KNOWN}`)).toBe(`x ${REDACTED}`);
    expect(redactor.json(7)).toBe(7);
  });

  it('headers: secret header names are REDACTED whatever the value', () => {
    expect(redactor.headers({
      Authorization: 'whatever',
      'Proxy-Authorization': 'x',
      Cookie: 'a=b',
      'Set-Cookie': 'c=d',
      'X-Api-Key': 'k',
      'X-Auth-Token': 't',
      Accept: 'application/json',
    })).toEqual({
      Authorization: REDACTED,
      'Proxy-Authorization': REDACTED,
      Cookie: REDACTED,
      'Set-Cookie': REDACTED,
      'X-Api-Key': REDACTED,
      'X-Auth-Token': REDACTED,
      Accept: 'application/json',
    });
  });
});

describe('Redactor.text and url exact output', () => {
  it('replaces known secrets (longest first) and keeps short ones out of the list', () => {
    const r = new Redactor({ knownSecrets: ['abcd', 'abcdefgh', 'xyz'] });
    expect(r.text('k=abcdefgh; j=abcd; xyz')).toBe(`k=${REDACTED}; j=${REDACTED}; xyz`);
  });

  it('masks an authorization value as `<scheme> [REDACTED]`', () => {
    expect(redactor.text('Bearer abcdefgh12 then token zyxwvuts98')).toBe(`Bearer ${REDACTED} then token ${REDACTED}`);
  });

  it('gives what its [REDACTED] pass and then the plain regexes give, on 3,000 random strings', () => {
    // It skips the second authorization-value pass (secret-patterns.ts): that pass must find nothing.
    const plain = new Redactor();
    const mismatches = randomMaskingInputs(11, 3000).filter((text) => plain.text(text) !== referenceTextRedaction(text));
    expect(mismatches).toEqual([]);
  });

  it('gives the same on 200 random texts of 1–2 KB, as API bodies are long', () => {
    const plain = new Redactor();
    expect(longMaskingInputs(13, 200).filter((text) => plain.text(text) !== referenceTextRedaction(text))).toEqual([]);
  });

  it('url drops userinfo and replaces secret query values', () => {
    expect(redactor.url('https://u:p@h/x?page=2&access_token=t&private_token=q')).toBe(
      `https://h/x?page=2&access_token=***&private_token=${encodeURIComponent(REDACTED)}`,
    );
    expect(redactor.url('https://h/x?page=2')).toBe('https://h/x?page=2');
    expect(redactor.url('not a url http://u:p@h')).toBe('not a url http://***@h');
  });

  it('url replaces a secret query parameter whose name is percent-encoded (no free-text pattern sees it)', () => {
    expect(redactor.url('https://h/p?%6Bey=maps-666-xyz&page=2')).toBe('https://h/p?key=***&page=2');
    expect(redactor.url('https://h/p?%73ig=sas-1&page=2')).toBe('https://h/p?sig=***&page=2');
  });

  it('body: null, undefined and empty give no text', () => {
    expect(redactor.body(null)).toEqual({ text: null, truncated: false });
    expect(redactor.body(undefined)).toEqual({ text: null, truncated: false });
    expect(redactor.body('')).toEqual({ text: null, truncated: false });
  });

  it('body: a secret-keyed field is replaced in the text scan', () => {
    expect(redactor.body('{"token":"v","title":"t"}').text).toBe(`{"token":"${REDACTED}","title":"t"}`);
    expect(redactor.body('{"token":"v"}', { token: 'v' }).text).toBe(`{"token":"${REDACTED}"}`);
    expect(redactor.body('{"a":[{"b":{"token":"v"}}]}', { a: [{ b: { token: 'v' } }] }).text).toBe(`{"a":[{"b":{"token":"${REDACTED}"}}]}`);
  });
});

describe('Redactor edges the mutation run found unpinned', () => {
  it('secret header names are redacted whatever the configured keys', () => {
    const custom = new Redactor({ secretKeys: ['pin'] });
    expect(custom.headers({ Authorization: 'a', 'Set-Cookie': 'b', 'X-Api-Key': 'c', Accept: 'd' })).toEqual({
      Authorization: REDACTED, 'Set-Cookie': REDACTED, 'X-Api-Key': REDACTED, Accept: 'd',
    });
  });

  it('json keeps a null or missing secret-keyed value as it is', () => {
    expect(redactor.json({ token: null, password: undefined, title: 't' })).toEqual({ token: null, password: undefined, title: 't' });
  });

  it('caps at 64 KiB by default', () => {
    const r = new Redactor();
    expect(r.body('a'.repeat(64 * 1024)).truncated).toBe(false);
    expect(r.body('a'.repeat(64 * 1024 + 1)).truncated).toBe(true);
  });

  it('cuts multi-byte text at a character boundary within the cap', () => {
    const r = new Redactor({ maxBodyBytes: 10 });
    const body = r.body('ééééééééééé'); // 2 bytes each
    expect(body.truncated).toBe(true);
    expect(body.text?.startsWith('ééééé…[truncated: 22 bytes, cap 10]')).toBe(true);
    const odd = new Redactor({ maxBodyBytes: 11 }).body('ééééééééééé');
    expect(odd.text?.startsWith('ééééé…')).toBe(true);
  });

  it('a body exactly at the cap is kept whole; one byte over is cut', () => {
    const r = new Redactor({ maxBodyBytes: 8 });
    expect(r.body('abcdefgh')).toEqual({ text: 'abcdefgh', truncated: false });
    expect(r.body('abcdefghi').text).toBe('abcdefgh…[truncated: 9 bytes, cap 8]');
    expect(r.body('{"a":"abcdefghi"}', { a: 'abcdefghi' }).text).toBe('{"a":"ab…[truncated: 17 bytes, cap 8]');
  });
});
