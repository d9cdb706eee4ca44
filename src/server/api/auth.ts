import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ApiRole, ApiTokenConfig } from '../../config/service-schema.js';
import { HttpProblem } from './problem.js';

/** Who is asking: the token's ID (never the token), its organization and role. */
export interface Principal {
  tokenId: string;
  organization: string;
  role: ApiRole;
}

/** sha256(token) in hex, as the service config stores it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Checks bearer tokens against the configured hashes. Every configured hash is compared, in
 * constant time, whatever matched earlier: the time taken says nothing about which token (or how
 * much of one) was right.
 */
export class TokenVerifier {
  private readonly entries: Array<{ digest: Buffer; principal: Principal }>;

  constructor(tokens: ApiTokenConfig[]) {
    this.entries = tokens.map((t) => ({ digest: Buffer.from(t.sha256, 'hex'), principal: { tokenId: t.id, organization: t.organization, role: t.role } }));
  }

  get size(): number {
    return this.entries.length;
  }

  verify(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const entry of this.entries) if (timingSafeEqual(digest, entry.digest) && !found) found = entry.principal;
    return found;
  }
}

const CHALLENGE = 'Bearer realm="syncscope"';

/** Every /api/v1 request needs `Authorization: Bearer <token>`; the principal goes to `res.locals`. */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      next(new HttpProblem(401, 'Unauthorized', 'send an API token: Authorization: Bearer <token>', 'about:blank', {}, { 'WWW-Authenticate': CHALLENGE }));
      return;
    }
    const principal = verifier.verify(match[1]);
    if (!principal) {
      next(new HttpProblem(401, 'Unauthorized', 'the API token is not valid', 'about:blank', {}, { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` }));
      return;
    }
    res.locals['principal'] = principal;
    next();
  };
}

/** Routes that change something need `operate`. */
export function requireRole(role: ApiRole): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (role === 'operate' && principal.role !== 'operate') {
      next(new HttpProblem(403, 'Forbidden', `token "${principal.tokenId}" has role ${principal.role}; starting, resuming and cancelling runs needs role operate`));
      return;
    }
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (!principal) throw new HttpProblem(401, 'Unauthorized', 'not authenticated');
  return principal;
}
