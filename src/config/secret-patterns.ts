/**
 * The shapes a credential takes in text, and how each is masked. Pure and dependency-free, so
 * config validation (a `base_url` with `user:pass@`) and telemetry redaction (every exit of text
 * from the process) share one definition without config importing telemetry.
 */
import { tunedForScanning } from './regexp-tuning.js';

export const MASK = '***';

/** Query parameter names whose value is a credential (compared case-insensitively). */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'access_token',
  'auth_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'sig',
  'signature',
  'password',
  'client_secret',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'refresh_token',
  'id_token',
  'secret',
];

const SECRET_PARAM_SET = new Set(SECRET_QUERY_PARAMS);

export function isSecretQueryParam(name: string): boolean {
  return SECRET_PARAM_SET.has(name.toLowerCase());
}

/** `scheme://user:pass@host` or `scheme://token@host`: group 1 is `scheme://`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>]+@/gi;
/** The `://userinfo@` part of URL_USERINFO, whose scheme `hasSchemeBefore` checks. */
const USERINFO_AFTER_SCHEME = tunedForScanning(/:\/\/[^\s/?#@'"<>]+@/g);
/** The longest name in SECRET_QUERY_PARAMS: how far `maskSecretParams` looks back from an `=`. */
const LONGEST_SECRET_PARAM = Math.max(...SECRET_QUERY_PARAMS.map((name) => name.length));
/** A secret parameter's value: what follows its `=` up to the next delimiter (sticky: matched at one place). */
const PARAM_VALUE = /[^&#\s'"<>]+/y;
/** `Bearer abc`, `Basic abc`, `token abc` as an authorization value. */
const AUTH_SCHEME = tunedForScanning(/\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi);
/** A JSON Web Token: three base64url parts, the first a JSON header (`eyJ`). Monday API tokens are JWTs. */
const JWT = tunedForScanning(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g);
/**
 * Vendor token formats: GitHub, Slack, AWS access keys, Stripe-like keys, Google API keys. `hints`
 * are literals one of which every match contains: where `includes` rules them out in a fraction
 * of the regex's scan, the regex is not run (audit bodies are mostly 64 KiB of JSON with none).
 */
const VENDOR_TOKENS: ReadonlyArray<{ pattern: RegExp; hints?: readonly string[] }> = [
  { pattern: tunedForScanning(/\bgithub_pat_[A-Za-z0-9_]{20,}/g) },
  { pattern: tunedForScanning(/\bgh[pousr]_[A-Za-z0-9]{20,}/g) },
  { pattern: tunedForScanning(/\bxox[abposr]-[A-Za-z0-9-]{10,}/g), hints: ['xox'] },
  { pattern: tunedForScanning(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g), hints: ['AKIA', 'ASIA'] },
  { pattern: tunedForScanning(/\bsk_(?:live|test)_[A-Za-z0-9]{16,}/g) },
  { pattern: tunedForScanning(/\bAIza[A-Za-z0-9_-]{35}/g), hints: ['AIza'] },
];

export interface CredentialMaskingOptions {
  /**
   * The caller has masked AUTH_SCHEME's shape already with a pattern of its own (the telemetry
   * redactor writes `Bearer [REDACTED]`). Its pass is then skipped: it cannot match text that pass
   * left, since every value it could take was taken and the other masks here never lengthen a run
   * of token characters.
   */
  authValuesMasked?: boolean;
}

/**
 * Masks every credential shape in free text: userinfo in URLs, secret query parameters,
 * authorization values, JWTs and vendor tokens. Text without any comes back unchanged.
 */
export function redactCredentials(text: string, options: CredentialMaskingOptions = {}): string {
  let out = maskUrlUserinfo(text);
  out = maskSecretParams(out);
  if (!options.authValuesMasked) out = out.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${MASK}`);
  out = out.replace(JWT, MASK);
  for (const { pattern, hints } of VENDOR_TOKENS) {
    if (!hints || hints.some((hint) => out.includes(hint))) out = out.replace(pattern, MASK);
  }
  return out;
}

/**
 * What `text.replace(URL_USERINFO, scheme + MASK + '@')` gives, at a fifth of its cost on API
 * bodies: URL_USERINFO tries a scheme at every word of the text (a third of all redaction time on
 * a page of pull requests), this jumps from one `://` to the next and looks back for the scheme;
 * text without an `@` cannot hold userinfo and is not scanned at all.
 */
function maskUrlUserinfo(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(USERINFO_AFTER_SCHEME, (match: string, at: number) => (hasSchemeBefore(text, at) ? `://${MASK}@` : match));
}

/**
 * What `text.replace(/([?&;](?:<a SECRET_QUERY_PARAMS name>)=)[^&#\s'"<>]+/gi, '$1' + MASK)` gives,
 * at a tenth of its cost on API bodies: the regex tries a separator and sixteen names at every
 * position, this goes from one `=` to the next (a page of pull requests has ~150) and looks back
 * for the name and its separator. A name is ASCII letters, `_` and `-` only, so any other
 * character ends the look-back (and the delimiter that ends a masked value keeps it out of that
 * value); the `=`s inside a masked value are skipped, as the regex's next search starts after its
 * match.
 */
function maskSecretParams(text: string): string {
  let out = '';
  let copiedTo = 0;
  for (let equals = text.indexOf('='); equals !== -1; equals = text.indexOf('=', equals + 1)) {
    const separator = nameStart(text, equals) - 1;
    if (!isParamSeparator(text.charCodeAt(separator))) continue;
    if (!isSecretQueryParam(text.slice(separator + 1, equals))) continue;
    PARAM_VALUE.lastIndex = equals + 1;
    if (!PARAM_VALUE.test(text)) continue;
    out += text.slice(copiedTo, equals + 1) + MASK;
    copiedTo = PARAM_VALUE.lastIndex;
    equals = copiedTo - 1;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Where the run of name characters that ends before `end` starts; it looks no further back than a name can be long (plus one, so that a longer run is seen as one). */
function nameStart(text: string, end: number): number {
  let at = end;
  while (at > 0 && end - at <= LONGEST_SECRET_PARAM && isParamNameChar(text.charCodeAt(at - 1))) at--;
  return at;
}

/** `[A-Za-z_-]`: every character of every SECRET_QUERY_PARAMS name. */
const isParamNameChar = (c: number) => isLetter(c) || c === 95 || c === 45;
/** `[?&;]`. */
const isParamSeparator = (c: number) => c === 63 || c === 38 || c === 59;

/**
 * Whether URL_USERINFO's scheme, `\b[a-z][a-z0-9+.-]*` (any case), ends at `end`: some letter in
 * the run of scheme characters before it starts a word.
 */
function hasSchemeBefore(text: string, end: number): boolean {
  for (let at = end - 1; at >= 0 && isSchemeChar(text.charCodeAt(at)); at--) {
    if (isLetter(text.charCodeAt(at)) && (at === 0 || !isWordChar(text.charCodeAt(at - 1)))) return true;
  }
  return false;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `\w` without the `u` flag: ASCII letters, digits and `_`. */
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 95;
/** `[a-z0-9+.-]` case-insensitively. */
const isSchemeChar = (c: number) => isLetter(c) || isDigit(c) || c === 43 || c === 46 || c === 45;

/** The credentials a URL carries in its userinfo and query (names only), for config errors. */
export function urlCredentials(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return URL_USERINFO.test(raw) ? ['userinfo'] : [];
  } finally {
    URL_USERINFO.lastIndex = 0;
  }
  const found: string[] = [];
  if (url.username !== '' || url.password !== '') found.push('userinfo');
  for (const name of url.searchParams.keys()) if (isSecretQueryParam(name)) found.push(name);
  return found;
}

/** The URL without userinfo (query kept); text that does not parse is masked as free text. */
export function stripUrlCredentials(raw: string): string {
  return parsedWithoutUserinfo(raw)?.toString() ?? redactCredentials(raw);
}

/**
 * A URL safe to print or link: userinfo dropped, secret query values masked, credentials in the
 * rest masked. Garbage in gives masked text out, never the input as-is with a secret in it.
 */
export function sanitizeUrl(raw: string): string {
  const url = parsedWithoutUserinfo(raw);
  if (!url) return redactCredentials(raw);
  const params = [...url.searchParams.entries()];
  if (params.some(([name]) => isSecretQueryParam(name))) {
    url.search = '';
    for (const [name, value] of params) url.searchParams.append(name, isSecretQueryParam(name) ? MASK : value);
  }
  // The path and fragment may still hold a token (`/hook/ghp_…`); mask what the shapes catch.
  return redactCredentials(url.toString());
}

/**
 * A base URL (SYNCSCOPE_GRAFANA_URL) rebuilt for printing and linking: no userinfo, no secret
 * query parameters (dropped, not masked: links are built by appending paths to it), no fragment.
 */
export function credentialFreeBaseUrl(raw: string): string {
  const url = parsedWithoutUserinfo(raw);
  if (!url) return redactCredentials(raw);
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (isSecretQueryParam(name)) url.searchParams.delete(name);
  return redactCredentials(url.toString());
}

/** The URL with its userinfo (`user:pass@`) dropped, or undefined when it does not parse. */
function parsedWithoutUserinfo(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  url.username = '';
  url.password = '';
  return url;
}
