import { MASK } from '../../src/config/secret-patterns.js';
import { seededRandom } from '../../src/simulator/monday/rng.js';
import { REDACTED } from '../../src/telemetry/redaction.js';

/**
 * The masking as plain regexes, one pass each: what redactCredentials must give, however it gets
 * there (it skips scans and looks for a URL's scheme backwards, for speed).
 */
export function referenceRedaction(text: string): string {
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

/** What the telemetry redactor's `text` must give without known secrets: its own `[REDACTED]` pass for authorization values, then the plain regexes. */
export function referenceTextRedaction(text: string): string {
  return referenceRedaction(text.replace(/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme: string) => `${scheme} ${REDACTED}`));
}

/** The pieces random inputs are built from: the characters and words each masking shape turns on. */
const PIECES = [
  '://', '@', 'http', 'a', 'Z', '1', '_', '-', '.', '+', '/', '?', '#', ' ', '\t', '=', ';', 'token=', 'sig=', 'KEY=', 'x-amz-credential=', '&',
  'Bearer ', 'basic', 'xoxp-', 'AKIA', 'ghp_', 'abcdefghij', 'eyJabcde.', 'AIza', 'sk_live_', '"', '\u212A', '\u00a0',
];

/** `count` strings of 2–15 pieces (`minPieces` or more when given), the same ones for the same seed. */
export function randomMaskingInputs(seed: number, count: number, minPieces = 2): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: minPieces + Math.floor(random() * 14) }, () => PIECES[Math.floor(random() * PIECES.length)]).join(''),
  );
}

/** 1–2 KB strings of the same pieces: long texts, as API bodies are. */
export function longMaskingInputs(seed: number, count: number): string[] {
  return randomMaskingInputs(seed, count, 400);
}
