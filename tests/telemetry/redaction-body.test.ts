import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, hasSecretKey } from '../../src/telemetry/redaction.js';

const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';

function redactor(maxBodyBytes: number) {
  return new Redactor({ secretKeys: ['token', 'password'], knownSecrets: [TOKEN], maxBodyBytes });
}

/** A JSON page like GitHub's: many records, optionally with a secret field in one of them. */
function page(count: number, secretAt?: number): string {
  const items = Array.from({ length: count }, (_, i) => ({
    id: i,
    title: `pull request ${i} ${'x'.repeat(40)}`,
    ...(i === secretAt ? { token: 'plain-secret-value' } : {}),
  }));
  return JSON.stringify(items);
}

describe('Redactor.body (audit bodies)', () => {
  it('keeps a body under the cap whole, with secret-keyed fields and known secrets replaced', () => {
    const raw = JSON.stringify({ name: 'a', password: 'hunter2', note: `auth token ${TOKEN}` });
    const body = redactor(4096).body(raw);
    expect(body.truncated).toBe(false);
    expect(body.text).toBe(`{"name":"a","password":"${REDACTED}","note":"auth token ${REDACTED}"}`);
  });

  it('cuts a body over the cap at the cap (in UTF-8 bytes) and notes the size received', () => {
    const raw = page(200);
    const body = redactor(1000).body(raw);
    expect(body.truncated).toBe(true);
    const marker = /…\[truncated: (\d+) bytes, cap 1000\]$/.exec(body.text ?? '');
    expect(marker).not.toBeNull();
    expect(Number(marker![1])).toBe(Buffer.byteLength(raw));
    expect(Buffer.byteLength((body.text ?? '').slice(0, marker!.index))).toBeLessThanOrEqual(1000);
    expect(raw.startsWith((body.text ?? '').slice(0, marker!.index))).toBe(true);
  });

  it('redacts a secret field that starts inside the kept part and ends past the cap', () => {
    const long = 'v'.repeat(3000);
    const raw = `{"a":"${'x'.repeat(900)}","token":"${long}","b":"${'y'.repeat(5000)}"}`;
    const body = redactor(1000).body(raw);
    expect(body.text).toContain(`"token":"${REDACTED}"`);
    expect(body.text).not.toContain('vvvv');
  });

  it('never keeps part of a known secret that the cap cuts through', () => {
    for (let offset = 960; offset <= 1010; offset++) {
      const raw = `${'a'.repeat(offset)} ${TOKEN} ${'b'.repeat(2000)}`;
      const text = redactor(1000).body(raw).text ?? '';
      expect(text).not.toContain(TOKEN.slice(0, 8));
    }
  });

  it('cuts multi-byte text on a character boundary within the cap', () => {
    const raw = JSON.stringify({ title: 'é'.repeat(3000) });
    const body = redactor(1001).body(raw);
    const kept = (body.text ?? '').replace(/…\[truncated: \d+ bytes, cap 1001\]$/, '');
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(1001);
    expect(kept).not.toContain('\uFFFD');
  });

  it('gives the same text with the parsed body (fast path) as without', () => {
    const r = redactor(2000);
    for (const raw of [page(10), page(100), page(100, 3), page(100, 90), JSON.stringify({ nested: { deeper: [{ Token: 'x' }] } })]) {
      expect(r.body(raw, JSON.parse(raw))).toEqual(r.body(raw));
    }
  });

  it('takes the field scan when a secret key sits deep in the parsed body', () => {
    const raw = JSON.stringify({ a: [{ b: { c: [{ password: 'deep' }] } }] });
    expect(redactor(4096).body(raw, JSON.parse(raw)).text).toContain(`"password":"${REDACTED}"`);
  });
});

describe('Redactor.body edges the mutation run found unpinned', () => {
  it('redacts further when known secrets shrink the stretch below cap + margin', () => {
    // 50 tokens of 41 chars: the first redacted stretch (cap + 256 chars) shrinks to ~90 chars.
    const raw = `${TOKEN} `.repeat(50);
    const body = redactor(100).body(raw);
    expect(body).toEqual({
      text: `${`${REDACTED} `.repeat(50).slice(0, 100)}…[truncated: ${raw.length} bytes, cap 100]`,
      truncated: true,
    });
  });

  it('redacts a URL credential that the cap cuts through, with no known secret to size the margin', () => {
    const r = new Redactor({ maxBodyBytes: 100 });
    const raw = `${'a'.repeat(80)} http://alice:${'p'.repeat(40)}@host/x ${'b'.repeat(500)}`;
    expect(r.body(raw).text).toBe(`${'a'.repeat(80)} http://***@host/x b…[truncated: ${raw.length} bytes, cap 100]`);
  });

  it('a parsed value of null (nothing known about the body) takes the field scan', () => {
    expect(redactor(4096).body('{"token":"v"}', null).text).toBe(`{"token":"${REDACTED}"}`);
  });

  it('a secret key nested deeper than the walk limit still takes the field scan', () => {
    let deep: unknown = { token: 'deep-secret' };
    for (let i = 0; i < 70; i++) deep = { n: deep };
    const raw = JSON.stringify(deep);
    const text = redactor(4096).body(raw, deep).text ?? '';
    expect(text).not.toContain('deep-secret');
    expect(text).toContain(`"token":"${REDACTED}"`);
  });

  it('a secret key inside an array in the parsed body takes the field scan', () => {
    const parsed = [{ id: 1 }, null, 'x', [{ password: 'in-array' }]];
    expect(redactor(4096).body(JSON.stringify(parsed), parsed).text).toBe(`[{"id":1},null,"x",[{"password":"${REDACTED}"}]]`);
  });
});

describe('Redactor.body tail margin', () => {
  it('grows with the longest known secret, so one longer than the default margin is not kept in part', () => {
    const long = 's'.repeat(400);
    const r = new Redactor({ knownSecrets: [long], maxBodyBytes: 100 });
    const raw = `${'a'.repeat(90)}${long}${'b'.repeat(1000)}`;
    expect(r.body(raw).text).toBe(`${'a'.repeat(90)}${REDACTED}…[truncated: ${raw.length} bytes, cap 100]`);
  });
});

/** `depth` levels of `{ n: … }` around `inner`. */
function nest(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

describe('hasSecretKey (which parsed bodies take the field scan)', () => {
  const isSecret = (key: string) => key === 'token' || key === '0';
  it.each<[string, unknown, boolean]>([
    ['a flat object without one', { id: 1, title: 'x' }, false],
    ['a flat object with one', { id: 1, token: 'x' }, true],
    ['null', null, false],
    ['a string', 'token', false],
    ['a number', 7, false],
    ['an array of primitives and null', [1, 'abc', null, true], false],
    ['an array of objects without one', [{ id: 1 }, { id: 2 }], false],
    ['an object inside an array', [{ id: 1 }, { token: 'x' }], true],
    ['an array inside an object', { a: [{ b: { token: 'x' } }] }, true],
    ['array indices (not keys)', ['x', 'y'], false],
    ['an object key that looks secret', { 0: 'x' }, true],
    ['64 levels down without one (within the walk)', nest(64, { id: 1 }), false],
    ['a secret key 64 levels down', nest(64, { token: 'x' }), true],
    ['past the walk limit (answers yes)', nest(66, { id: 1 }), true],
    ['arrays past the walk limit (answers yes)', JSON.parse(`${'['.repeat(70)}1${']'.repeat(70)}`), true],
  ])('%s', (_name, value, expected) => {
    expect(hasSecretKey(value, isSecret)).toBe(expected);
  });
});

describe('Redactor.body re-scan on the plain path', () => {
  it('redacts further when known secrets shrink the stretch of a body with no secret key', () => {
    const raw = JSON.stringify({ m: `${TOKEN} `.repeat(50) });
    const body = redactor(100).body(raw, JSON.parse(raw));
    expect(body).toEqual({
      text: `${`{"m":"${`${REDACTED} `.repeat(50)}`.slice(0, 100)}…[truncated: ${raw.length} bytes, cap 100]`,
      truncated: true,
    });
  });
});
