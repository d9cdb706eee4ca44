import type { ApiCallRow, RunStore } from '../ports/run-store.js';
import type { PartitionRowsState } from '../ports/source.js';
import type { DigestPartition, RunDigest } from './digest-types.js';
import { clip, code, formatCount, formatMs, mdTable } from './markdown.js';
import { changeCount } from './run-digest.js';

/** The order pipeline's part of a customer report: what it did on Monday, and what the table says now. */
export interface CustomerDetail {
  groups: Array<{ name: string; id: string | null; action: string }>;
  labels_created: string[];
  items: { created: number; updated: number };
  api: DigestPartition['api'];
  /** Calls for this customer that ended in an error, with Monday's request ID for a support ticket. */
  failed_calls: Array<{ operation: string; status: number | null; error_category: string | null; request_id: string | null; trace_id: string; span_id: string; started_at: string }>;
  /** The order table's view now (still pending, failed rows); null when the table was not read (a rebuilt report). */
  source_rows: PartitionRowsState | null;
}

/** Reads the source's rows of a partition, when the run can still ask its source. */
export type PartitionRowsReader = (partitionKey: string) => Promise<PartitionRowsState>;

const FAILED_CALLS = 1_000;
const FAILED_CALLS_SHOWN = 10;

/** Failed API calls of a sync by partition, read once for every customer report. */
export async function failedCallsByPartition(store: RunStore, syncId: string): Promise<Map<string, ApiCallRow[]>> {
  const byPartition = new Map<string, ApiCallRow[]>();
  for (const call of await store.listApiCalls(syncId, { onlyErrors: true, limit: FAILED_CALLS })) {
    if (call.partitionKey === null) continue;
    byPartition.set(call.partitionKey, [...(byPartition.get(call.partitionKey) ?? []), call]);
  }
  return byPartition;
}

export async function buildCustomerDetail(
  store: RunStore,
  digest: RunDigest,
  partition: DigestPartition,
  failedCalls: Map<string, ApiCallRow[]>,
  rows: PartitionRowsReader | undefined,
  redact: (text: string) => string,
): Promise<CustomerDetail> {
  const table = rows ? await rows(partition.key) : null;
  const [groups, labels] = await Promise.all([
    store.listDestinationChanges(digest.sync_id, { partitionKey: partition.key, kind: 'group' }),
    store.listDestinationChanges(digest.sync_id, { partitionKey: partition.key, kind: 'label', action: 'created' }),
  ]);
  return {
    groups: groups.map((g) => ({ name: g.name, id: g.externalId, action: g.action })),
    labels_created: labels.map((l) => l.name),
    items: { created: changeCount(partition.changes, 'item', 'created'), updated: changeCount(partition.changes, 'item', 'updated') },
    api: partition.api,
    failed_calls: (failedCalls.get(partition.key) ?? []).slice(0, FAILED_CALLS_SHOWN).map((c) => ({
      operation: c.operation, status: c.status, error_category: c.errorCategory, request_id: c.requestId, trace_id: c.traceId, span_id: c.spanId, started_at: c.startedAt,
    })),
    source_rows: table && { ...table, failed: table.failed.map((f) => ({ ...f, errorMessage: f.errorMessage === null ? null : redact(f.errorMessage) })) },
  };
}

export function renderCustomerSections(c: CustomerDetail): string[] {
  const sections = [
    '## On Monday.com',
    mdTable(['What', 'Count'], [
      ['Groups', c.groups.length === 0 ? '0' : c.groups.map((g) => `${g.name} (${g.action}${g.id ? `, ${code(g.id)}` : ''})`).join(' · ')],
      ['Items created', formatCount(c.items.created)],
      ['Items updated', formatCount(c.items.updated)],
      ['Labels created', c.labels_created.length === 0 ? '0' : c.labels_created.map(code).join(', ')],
    ], ['left', 'left']),
    '## Time and quota',
    mdTable(['API', 'Value'], [
      ['Calls', `${formatCount(c.api.calls)} (${formatCount(c.api.errors)} failed attempts)`],
      ['Complexity points', formatCount(c.api.cost)],
      ['API time (cumulative)', formatMs(c.api.duration_ms)],
    ], ['left', 'right']),
  ];
  if (c.failed_calls.length > 0) {
    sections.push('### Failed calls', mdTable(
      ['Operation', 'Status', 'Category', 'Monday request ID', 'Span'],
      c.failed_calls.map((f) => [f.operation, f.status === null ? '—' : String(f.status), f.error_category ?? '', f.request_id ? code(f.request_id) : '—', code(f.span_id)]),
    ));
  }
  sections.push('## In the order table now');
  const rows = c.source_rows;
  if (!rows) sections.push('_Not read: this report was rebuilt after the run; the run\'s own report shows the table\'s pending and failed rows._');
  else {
    sections.push(`${formatCount(rows.pending)} row(s) still pending · ${formatCount(rows.failedTotal)} row(s) failed.`);
    if (rows.failed.length > 0) {
      sections.push(mdTable(['Row', 'Category', 'Message', 'Last sync'], rows.failed.map((f) => [code(f.key), f.errorCategory ?? '', clip(f.errorMessage ?? '', 300), f.syncId ? code(f.syncId) : '—'])));
    }
  }
  return sections;
}
