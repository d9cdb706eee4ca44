import { randomBytes } from 'node:crypto';
import { apiTokenSchema } from '../../config/service-schema.js';
import { formatIssues } from '../../config/load-config.js';
import { UsageError } from '../../errors/sync-error.js';
import { hashToken } from '../../server/api/auth.js';

export interface TokenNewOptions {
  id: string;
  organization: string;
  role: string;
}

/**
 * `syncscope token new`: a random 256-bit token (shown once), and what to put in the service
 * config or in SYNCSCOPE_API_TOKENS: only its SHA-256, so the config never holds a usable secret.
 */
export function tokenNewCommand(options: TokenNewOptions): number {
  const token = `ssc_${randomBytes(32).toString('base64url')}`;
  const entry = apiTokenSchema.safeParse({ id: options.id, organization: options.organization, role: options.role, sha256: hashToken(token) });
  if (!entry.success) throw new UsageError(`token new:\n${formatIssues(entry.error.issues)}`);
  const e = entry.data;
  process.stdout.write([
    `Token (shown once; give it to the client, e.g. SYNCSCOPE_TOKEN=...):`,
    `  ${token}`,
    '',
    'Service config (TOML):',
    '  [[tokens]]',
    `  id = "${e.id}"`,
    `  organization = "${e.organization}"`,
    `  role = "${e.role}"`,
    `  sha256 = "${e.sha256}"`,
    '',
    'Or in the environment:',
    `  SYNCSCOPE_API_TOKENS='${JSON.stringify([e])}'`,
    '',
  ].join('\n'));
  return 0;
}
