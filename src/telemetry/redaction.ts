import { DEFAULT_SECRET_KEYS } from '../config/secret-keys.js';
import { tunedForScanning } from '../config/regexp-tuning.js';
import { isSecretQueryParam, redactCredentials } from '../config/secret-patterns.js';

/**
 * Keeps secrets out of logs, spans, the run store and reports. Two nets: field names that look
 * secret (configurable), and the literal secret values Syncscope knows of (tokens from config),
 * which are replaced wherever they appear, even inside error messages or URLs.
 */
export const REDACTED = '[REDACTED]';

export { DEFAULT_SECRET_KEYS };

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
/**
 * `Bearer abc`, `token abc`: credentials embedded in free text. The same shape as secret-patterns'
 * AUTH_SCHEME, masked as `[REDACTED]` like every other value this redactor removes.
 */
const CREDENTIAL_IN_TEXT = tunedForScanning(/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi);

export interface RedactorOptions {
  /** Field names containing any of these (case-insensitive, `-` and `_` ignored) are redacted. */
  secretKeys?: string[];
  /** Secret values known to the process (API tokens); replaced wherever they occur. */
  knownSecrets?: string[];
  /** Cap for bodies kept in the audit trail, in bytes. */
  maxBodyBytes?: number;
}

export interface CappedBody {
  text: string | null;
  truncated: boolean;
}

/** `"key": "value"` in JSON text; group 1 is the key. */
const JSON_STRING_FIELD = tunedForScanning(/"([^"\\]{1,100})"\s*:\s*"(?:[^"\\]|\\.)*"/g);

const MAX_KEY_VERDICTS = 1024;
const MAX_WALK_DEPTH = 64;

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

export class Redactor {
  private readonly secretKeys: string[];
  private readonly knownSecrets: string[];
  readonly maxBodyBytes: number;
  /** Chars redacted past the cap, longer than any secret that could be cut at the end. */
  private readonly tailMargin: number;
  private readonly keyVerdicts = new Map<string, boolean>();

  constructor(options: RedactorOptions = {}) {
    this.secretKeys = (options.secretKeys ?? DEFAULT_SECRET_KEYS).map(normalise);
    // Longest first, so a secret that contains another is replaced whole.
    this.knownSecrets = (options.knownSecrets ?? [])
      .filter((s) => s.length >= 4)
      .sort((a, b) => b.length - a.length);
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.tailMargin = Math.max(256, (this.knownSecrets[0]?.length ?? 0) + 16);
  }

  isSecretKey(key: string): boolean {
    // Bodies repeat the same few keys thousands of times; remember the answers (bounded).
    const known = this.keyVerdicts.get(key);
    // Stryker disable next-line ConditionalExpression: skipping the cache recomputes the same verdict
    if (known !== undefined) return known;
    const k = normalise(key);
    const secret = this.secretKeys.some((s) => k.includes(s));
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound caps memory only; a verdict is the same cached or not
    if (this.keyVerdicts.size < MAX_KEY_VERDICTS) this.keyVerdicts.set(key, secret);
    return secret;
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.knownSecrets) {
      // Stryker disable next-line ConditionalExpression: split/join of an absent secret gives the text unchanged
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    out = out.replace(CREDENTIAL_IN_TEXT, (_m, scheme: string) => `${scheme} ${REDACTED}`);
    // Userinfo in URLs, token query parameters, JWTs and vendor token formats (secret-patterns.ts).
    return redactCredentials(out, { authValuesMasked: true });
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = SECRET_HEADERS.has(name.toLowerCase()) || this.isSecretKey(name) ? REDACTED : this.text(value);
    }
    return out;
  }

  /** Removes user info and secret-looking query parameters. */
  url(raw: string): string {
    try {
      const url = new URL(raw);
      url.username = '';
      url.password = '';
      for (const key of [...url.searchParams.keys()]) {
        if (this.isSecretKey(key) || isSecretQueryParam(key)) url.searchParams.set(key, REDACTED);
      }
      return this.text(url.toString());
    } catch {
      return this.text(raw);
    }
  }

  fields<T extends Record<string, unknown>>(fields: T): T {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (this.isSecretKey(key) && value !== undefined && value !== null) out[key] = REDACTED;
      else out[key] = typeof value === 'string' ? this.text(value) : value;
    }
    return out as T;
  }

  /** Redacts a JSON value deeply by key name and known values. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        out[key] = this.isSecretKey(key) && v !== null && v !== undefined ? REDACTED : this.json(v);
      }
      return out;
    }
    return value;
  }

  /**
   * A request or response body as kept in the audit trail: redacted, then capped. Works on the
   * text with one linear pass (no JSON parse), because bodies can be large and arrive on every
   * call; a JSON string value whose key looks secret is replaced. A body over the cap is redacted
   * only as far as the kept part needs, plus a margin so that a secret cut off at the end of the
   * redacted stretch is never kept in part: a large page costs what its first `maxBodyBytes` cost.
   * The truncation note gives the body's size as received.
   *
   * `parsed` is the body as already parsed from JSON, when the caller has it: a body with no
   * secret-looking key anywhere then skips the field scan, the costly part of a large page.
   */
  body(raw: string | null | undefined, parsed?: unknown): CappedBody {
    if (raw === null || raw === undefined || raw === '') return { text: null, truncated: false };
    const size = Buffer.byteLength(raw);
    const scanFields = parsed === null || typeof parsed !== 'object' || hasSecretKey(parsed, (key) => this.isSecretKey(key));
    // UTF-8 has at least one byte per char, so `wanted` chars of redacted text fill the cap.
    let wanted = this.maxBodyBytes + this.tailMargin;
    for (;;) {
      const { text, complete } = scanFields ? this.redactPrefix(raw, wanted) : this.redactPlainPrefix(raw, wanted);
      if (complete || text.length >= wanted) return this.capped(text, size, !complete);
      wanted *= 2; // redaction shortened the stretch below cap + margin: redact more of the body
    }
  }

  /**
   * Redacts the shortest prefix of `raw` that gives `wanted` chars (all of it, `complete`, when
   * shorter): JSON string fields with secret keys, then known secrets and credentials in text.
   * Fields are matched on the whole body, so one that crosses the prefix's end is still replaced.
   */
  private redactPrefix(raw: string, wanted: number): { text: string; complete: boolean } {
    const fields = JSON_STRING_FIELD;
    let out = '';
    let at = 0;
    while (out.length < wanted) {
      fields.lastIndex = at;
      const match = fields.exec(raw);
      const plainEnd = match ? match.index : raw.length;
      if (out.length + (plainEnd - at) >= wanted || !match) {
        const end = Math.min(plainEnd, at + (wanted - out.length));
        out += raw.slice(at, end);
        at = end;
        break;
      }
      const key = match[1] ?? '';
      out += raw.slice(at, match.index) + (this.isSecretKey(key) ? `"${key}":"${REDACTED}"` : match[0]);
      at = match.index + match[0].length;
    }
    fields.lastIndex = 0;
    return { text: this.text(out), complete: at >= raw.length };
  }

  /** `redactPrefix` for a body known to have no secret-keyed field: known secrets and credentials only. */
  private redactPlainPrefix(raw: string, wanted: number): { text: string; complete: boolean } {
    // Stryker disable next-line MethodExpression: an unsliced body is redacted whole, then cut at the cap to the same text
    return { text: this.text(raw.slice(0, wanted)), complete: raw.length <= wanted };
  }

  /** Cuts redacted text to the cap; `partial` text (a redacted prefix) is cut whatever its size. */
  private capped(text: string, size: number, partial: boolean): CappedBody {
    const bytes = Buffer.byteLength(text);
    if (!partial && bytes <= this.maxBodyBytes) return { text, truncated: false };
    // One byte per char (ASCII, the usual JSON) cuts as a string; otherwise cut the UTF-8 bytes.
    // Stryker disable next-line ConditionalExpression: cutUtf8 of ASCII text gives the same cut as slice
    const cut = bytes === text.length ? text.slice(0, this.maxBodyBytes) : cutUtf8(text, this.maxBodyBytes);
    return { text: `${cut}…[truncated: ${size} bytes, cap ${this.maxBodyBytes}]`, truncated: true };
  }
}

/** The longest prefix of `text` within `maxBytes` of UTF-8 that does not split a character. */
function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  let end = Math.min(maxBytes, bytes.length);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: byte 0 of UTF-8 text is never a continuation byte
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.toString('utf8', 0, end);
}

/**
 * Whether any object key in a parsed JSON value looks secret. Past `MAX_WALK_DEPTH` levels it
 * answers yes, which only sends the body down the full field scan.
 */
export function hasSecretKey(value: unknown, isSecretKey: (key: string) => boolean, depth = 0): boolean {
  // Stryker disable next-line ConditionalExpression: for...in over null visits nothing, so null gives false either way
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_WALK_DEPTH) return true;
  const isArray = Array.isArray(value);
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!isArray && isSecretKey(key)) return true; // array indices are not keys
    if (hasSecretKey(object[key], isSecretKey, depth + 1)) return true;
  }
  return false;
}
