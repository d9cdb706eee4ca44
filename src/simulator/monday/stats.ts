import type { Account } from './account.js';
import type { SlidingWindow } from './limits.js';
import { MONDAY_FAULT_KINDS, type MondayFaultKind, type MondaySimulatorStats } from './types.js';

/** The counters behind `stats()`; the account's own counters are read when a snapshot is taken. */
export class SimStats {
  requests = 0;
  readonly byOperation: Record<string, number> = {};
  budgetRejections = 0;
  rateLimitRejections = 0;
  concurrencyRejections = 0;
  dailyLimitRejections = 0;
  concurrentBoardMutations = 0;
  readonly maxConcurrentBoardMutations: Record<string, number> = {};
  idempotentReplays = 0;
  idempotencyConflicts = 0;
  complexitySpent = 0;
  /** Epoch ms of the first and the last complexity charge (0: none yet). */
  firstChargeAt = 0;
  lastChargeAt = 0;
  private readonly faultsByKind = Object.fromEntries(MONDAY_FAULT_KINDS.map((k) => [k, 0])) as Record<MondayFaultKind, number>;

  charged(cost: number, now: number): void {
    this.complexitySpent += cost;
    this.firstChargeAt ||= now;
    this.lastChargeAt = now;
  }

  /** A mutation request on `board` started while `inFlight` (itself included) were running on it. */
  boardMutationStarted(board: string, inFlight: number): void {
    if (inFlight > 1) this.concurrentBoardMutations += 1;
    this.maxConcurrentBoardMutations[board] = Math.max(this.maxConcurrentBoardMutations[board] ?? 0, inFlight);
  }

  fault(kind: MondayFaultKind): void {
    this.faultsByKind[kind] += 1;
  }

  snapshot(account: Account, complexity: SlidingWindow): MondaySimulatorStats {
    const faultsByKind = { ...this.faultsByKind };
    return {
      requests: this.requests,
      byOperation: { ...this.byOperation },
      ...account.counters,
      duplicateItemsByExternalKey: account.duplicatesByExternalKey(),
      budgetRejections: this.budgetRejections,
      rateLimitRejections: this.rateLimitRejections,
      concurrencyRejections: this.concurrencyRejections,
      dailyLimitRejections: this.dailyLimitRejections,
      concurrentBoardMutations: this.concurrentBoardMutations,
      maxConcurrentBoardMutations: { ...this.maxConcurrentBoardMutations },
      idempotentReplays: this.idempotentReplays,
      idempotencyConflicts: this.idempotencyConflicts,
      faultsInjected: Object.values(faultsByKind).reduce((sum, n) => sum + n, 0),
      faultsByKind,
      complexitySpent: this.complexitySpent,
      firstChargeAt: this.firstChargeAt,
      lastChargeAt: this.lastChargeAt,
      maxComplexityInWindow: complexity.peak,
    };
  }
}
