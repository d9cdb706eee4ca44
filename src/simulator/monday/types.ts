/** Column types the simulated boards support (Monday's `ColumnType` names). */
export type ColumnType = 'name' | 'text' | 'long_text' | 'numbers' | 'date' | 'status' | 'dropdown' | 'subtasks';

export interface ColumnSpec {
  id: string;
  title: string;
  type: ColumnType;
  /** Labels of a status or dropdown column, in index order. */
  labels?: string[];
}

export interface BoardSpec {
  id: string;
  name: string;
  columns: ColumnSpec[];
  /** Columns of the board's subitems (Monday keeps them on a linked subitems board). */
  subitemColumns?: ColumnSpec[];
  /** Groups the board starts with. */
  groups?: Array<{ id: string; title: string }>;
  /**
   * The text column holding each item's external key: only for the `duplicateItemsByExternalKey`
   * counter (Monday itself has no uniqueness constraint).
   */
  externalKeyColumnId?: string;
}

/** Kinds of injected faults. `daily_limit` and `unauthorized` are not transient. */
export type MondayFaultKind =
  | 'server_error'
  | 'bad_gateway_html'
  | 'html_200'
  | 'locked'
  | 'rate_limited'
  | 'complexity_exhausted'
  | 'field_limit'
  | 'slow'
  | 'connection_reset'
  | 'truncated_json'
  | 'daily_limit'
  | 'unauthorized';

export const MONDAY_FAULT_KINDS: readonly MondayFaultKind[] = [
  'server_error',
  'bad_gateway_html',
  'html_200',
  'locked',
  'rate_limited',
  'complexity_exhausted',
  'field_limit',
  'slow',
  'connection_reset',
  'truncated_json',
  'daily_limit',
  'unauthorized',
];

/** Faults a well-behaved client survives by retrying. */
export const MONDAY_TRANSIENT_FAULTS: readonly MondayFaultKind[] = MONDAY_FAULT_KINDS.filter(
  (k) => k !== 'daily_limit' && k !== 'unauthorized',
);

export interface MondayFaultOptions {
  /** Probability 0..1 that a request gets a fault. */
  rate: number;
  /** Kinds to choose from, uniformly (default: the transient ones). */
  kinds?: MondayFaultKind[];
  /** Only requests whose operation has a mutation (`mutation`) or not (`query`); default both. */
  only?: 'mutation' | 'query';
  /** Delay of a `slow` answer in ms (default 30000: past any sane client timeout). */
  slowMs?: number;
  /** Wait the fault answers ask for, in seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface MondayLimits {
  /** Complexity points per 60 s sliding window (10M for a personal token, 1M on trial/free). */
  complexityPerMinute: number;
  /** Complexity one query may have at most (5M). */
  maxComplexityPerQuery: number;
  /** Requests per 60 s sliding window (1,000 basic / 2,500 pro / 5,000 enterprise). */
  requestsPerMinute: number;
  /** Requests in flight at once (40 / 100 / 250). */
  maxConcurrent: number;
  /** Calls per UTC day (1,000 / 10,000 / 25,000); `undefined` = no daily limit. */
  dailyCalls: number | undefined;
  /** Items a board holds at most (10,000). */
  itemsPerBoard: number;
}

export interface MondaySimulatorOptions {
  /** The boards the account has. */
  boards: BoardSpec[];
  /** Requests must send `Authorization: <token>` (or `Bearer <token>`); others get 401/403. */
  token: string;
  /** `API-Version` must be sent (Monday is making it mandatory: 400 `API_VERSION_REQUIRED`). Default true. */
  requireApiVersion?: boolean;
  limits?: Partial<MondayLimits>;
  /** Latency of every answer in ms (default 0). */
  latencyMs?: number;
  /** Extra latency per mutation field in a request, ms (a 50-item create takes longer than one). */
  latencyPerMutationMs?: number;
  /** Random extra latency, uniform in [0, jitter) ms, from the seed. */
  latencyJitterMs?: number;
  /**
   * Runs the simulator's clock this many times faster: the complexity and request windows, the
   * idempotency TTL and the waits it asks for are divided by it (a 60 s window lasts 1 s at 60).
   * Latency is given in real milliseconds and is not scaled. Default 1.
   */
  timeScale?: number;
  faults?: MondayFaultOptions;
  /** Seed of ids, latency jitter and fault decisions (default 7). */
  seed?: number;
  host?: string;
  port?: number;
}

export interface MondaySimulatorStats {
  requests: number;
  /** Requests per operation name (`operationName`, or the first root field), e.g. `createItems`. */
  byOperation: Record<string, number>;
  groupsCreated: number;
  itemsCreated: number;
  itemsUpdated: number;
  subitemsCreated: number;
  labelsCreated: number;
  /** Items beyond the first per external key value, over every board with `externalKeyColumnId`. */
  duplicateItemsByExternalKey: number;
  /** Queries refused because the complexity budget was spent (not injected). */
  budgetRejections: number;
  /** Requests refused by the per-minute request limit (not injected). */
  rateLimitRejections: number;
  concurrencyRejections: number;
  dailyLimitRejections: number;
  /** Mutation requests that arrived while another mutation request on the same board was in flight. */
  concurrentBoardMutations: number;
  /** Per board ID: the most mutation requests in flight on it at once (1 = never overlapped). */
  maxConcurrentBoardMutations: Record<string, number>;
  idempotentReplays: number;
  idempotencyConflicts: number;
  faultsInjected: number;
  faultsByKind: Record<MondayFaultKind, number>;
  /** Complexity charged in all. */
  complexitySpent: number;
  /** Epoch ms of the first and the last complexity charge (0: none): the span a budget was spent over. */
  firstChargeAt: number;
  lastChargeAt: number;
  /** Most complexity charged within any one window (never above the budget). */
  maxComplexityInWindow: number;
}

export interface SimulatedItem {
  id: string;
  name: string;
  groupId: string;
  /** Column ID → display text. */
  columns: Record<string, string>;
  subitems: Array<{ id: string; name: string; columns: Record<string, string> }>;
}

export interface BoardSnapshot {
  id: string;
  groups: Array<{ id: string; title: string }>;
  items: SimulatedItem[];
  /** Column ID → its labels (status and dropdown columns). */
  labels: Record<string, string[]>;
}

export interface MondaySimulator {
  /** The API endpoint, e.g. http://127.0.0.1:43123/v2 */
  readonly url: string;
  stats(): MondaySimulatorStats;
  board(id: string): BoardSnapshot;
  setFaults(faults: MondayFaultOptions | undefined): void;
  close(): Promise<void>;
}
