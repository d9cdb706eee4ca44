/**
 * Field names that look secret by default (`audit.secret_keys`): a field whose name contains one
 * of them (case-insensitive, `-` and `_` ignored) is redacted in logs, spans, the store and reports.
 */
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
