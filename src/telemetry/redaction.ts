/**
 * Keeps secrets out of logs, spans, the run store and reports. Two nets: field names that look
 * secret (configurable), and the literal secret values Syncscope knows of (tokens from config),
 * which are replaced wherever they appear, even inside error messages or URLs.
 */
export const REDACTED = '[REDACTED]';

export const DEFAULT_SECRET_KEYS = [
  'token',
  'password',
  'passwd',
  'secret',
  'api_key',
  'apikey',
  'authorization',
  'cookie',
  'session',
  'private_key',
  'credential',
];

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
/** `Bearer abc`, `token abc`: credentials embedded in free text. */
const CREDENTIAL_IN_TEXT = /\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

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
const JSON_STRING_FIELD = /"([^"\\]{1,100})"\s*:\s*"(?:[^"\\]|\\.)*"/g;

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

export class Redactor {
  private readonly secretKeys: string[];
  private readonly knownSecrets: string[];
  readonly maxBodyBytes: number;

  constructor(options: RedactorOptions = {}) {
    this.secretKeys = (options.secretKeys ?? DEFAULT_SECRET_KEYS).map(normalise);
    // Longest first, so a secret that contains another is replaced whole.
    this.knownSecrets = (options.knownSecrets ?? [])
      .filter((s) => s.length >= 4)
      .sort((a, b) => b.length - a.length);
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  }

  isSecretKey(key: string): boolean {
    const k = normalise(key);
    return this.secretKeys.some((secret) => k.includes(secret));
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.knownSecrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(CREDENTIAL_IN_TEXT, (_m, scheme: string) => `${scheme} ${REDACTED}`);
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
        if (this.isSecretKey(key)) url.searchParams.set(key, REDACTED);
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
   * call; a JSON string value whose key looks secret is replaced.
   */
  body(raw: string | null | undefined): CappedBody {
    if (raw === null || raw === undefined || raw === '') return { text: null, truncated: false };
    const redacted = this.text(
      raw.replace(JSON_STRING_FIELD, (match, key: string) =>
        this.isSecretKey(key) ? `"${key}":"${REDACTED}"` : match,
      ),
    );
    const size = Buffer.byteLength(redacted);
    if (size <= this.maxBodyBytes) return { text: redacted, truncated: false };
    const cut = Buffer.from(redacted).subarray(0, this.maxBodyBytes).toString('utf8');
    return { text: `${cut}…[truncated: ${size} bytes, cap ${this.maxBodyBytes}]`, truncated: true };
  }
}
