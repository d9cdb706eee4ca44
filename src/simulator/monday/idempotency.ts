import type { MondayAnswer } from './errors.js';

interface Entry {
  /** `undefined` while the first request with the key is still being answered. */
  answer: MondayAnswer | undefined;
  expiresAt: number;
}

/**
 * Monday's `Idempotency-Key` on mutations: the first answer is kept for 30 minutes and replayed
 * (with `Idempotency-Replayed: true`) to any request with the same key; a duplicate that arrives
 * while the first is still running gets 409 with `Retry-After`. Keys are per token.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  lookup(key: string, now: number): { state: 'new' } | { state: 'running' } | { state: 'done'; answer: MondayAnswer } {
    this.expire(now);
    const entry = this.entries.get(key);
    if (!entry) return { state: 'new' };
    return entry.answer ? { state: 'done', answer: entry.answer } : { state: 'running' };
  }

  begin(key: string, now: number): void {
    this.entries.set(key, { answer: undefined, expiresAt: now + this.ttlMs });
  }

  /** The answer the first request got; `undefined` forgets the key (the request was not answered). */
  finish(key: string, answer: MondayAnswer | undefined): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (answer) entry.answer = answer;
    else this.entries.delete(key);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
