import type { RecordStateRow, RunStore } from '../ports/run-store.js';
import type { DigestFailedRecord, DigestPartition, RunDigest } from './digest-types.js';
import { clip, code, formatCount, formatMs, formatTime, mdTable } from './markdown.js';
import { TOP_FAILED_RECORDS } from './run-digest.js';
import { errorCell } from './summary-markdown.js';
import { buildCustomerDetail, renderCustomerSections, type CustomerDetail, type PartitionRowsReader } from './customer-report.js';
import type { ApiCallRow } from '../ports/run-store.js';

/** One partition's report (`repo_reports/<name>.json`); its markdown twin renders the same data. */
export interface PartitionReport {
  schema_version: 1;
  sync_id: string;
  pipeline: string;
  run_status: RunDigest['status'];
  trace_id: string;
  partition: DigestPartition;
  /** Up to 10 failed records of this partition, by record key. */
  failed_records: DigestFailedRecord[];
  /** Order pipelines: groups, items, labels, quota and the order table's rows for this customer. */
  customer?: CustomerDetail;
  links: RunDigest['links'];
  generated_at: string;
}

/** Failed records read in one pass when there are at most this many (a few MB of rows). */
const ONE_PASS_FAILED_RECORDS = 10_000;

/**
 * The first failed records of every partition, from one query over the sync's failed records,
 * when there are few enough to hold; undefined means "ask per partition". One pass matters: the
 * store answers a per-partition query by scanning the sync's records in key order.
 */
export async function failedRecordsByPartition(store: RunStore, digest: RunDigest): Promise<Map<string, RecordStateRow[]> | undefined> {
  const byPartition = new Map<string, RecordStateRow[]>();
  if (digest.records.failed === 0) return byPartition;
  if (digest.records.failed > ONE_PASS_FAILED_RECORDS) return undefined;
  for (const row of await store.listRecordStates(digest.sync_id, { status: 'failed', limit: ONE_PASS_FAILED_RECORDS })) {
    const rows = byPartition.get(row.partitionKey) ?? [];
    if (rows.length < TOP_FAILED_RECORDS) rows.push(row);
    byPartition.set(row.partitionKey, rows);
  }
  return byPartition;
}

/** What customer reports add, read once for all of them. */
export interface CustomerInputs {
  failedCalls: Map<string, ApiCallRow[]>;
  rows?: PartitionRowsReader;
}

/** Adds to the digest's partition row what it lacks: its first failed records (and a customer's order detail). */
export async function buildPartitionReport(
  store: RunStore,
  digest: RunDigest,
  partition: DigestPartition,
  redact: (text: string) => string = (t) => t,
  preloaded?: Map<string, RecordStateRow[]>,
  customer?: CustomerInputs,
): Promise<PartitionReport> {
  const failed = partition.records.failed === 0
    ? []
    : (preloaded?.get(partition.key) ?? (preloaded ? [] : await store.listRecordStates(digest.sync_id, { status: 'failed', partitionKey: partition.key, limit: TOP_FAILED_RECORDS })));
  return {
    schema_version: 1,
    sync_id: digest.sync_id,
    pipeline: digest.pipeline,
    run_status: digest.status,
    trace_id: digest.trace_id,
    partition,
    failed_records: failed.map((r) => ({
      record_key: r.recordKey,
      partition_key: r.partitionKey,
      entity: r.entity,
      category: r.errorCategory,
      message: r.errorMessage === null ? null : redact(r.errorMessage),
      request_id: r.requestId,
    })),
    ...(customer && partition.kind === 'customer' ? { customer: await buildCustomerDetail(store, digest, partition, customer.failedCalls, customer.rows, redact) } : {}),
    links: digest.links,
    generated_at: digest.generated_at,
  };
}

export function renderPartitionMarkdown(r: PartitionReport): string {
  const p = r.partition;
  const overview = mdTable(['Partition', code(p.key)], [
    ['Status', `${p.mark} ${p.status}`],
    ['Kind', p.kind],
    ['Sync', `${code(r.sync_id)} (${r.run_status}) · [executive summary](../_SYNC_SUMMARY.md)`],
    ['Trace ID', r.links.trace ? `${code(r.trace_id)} · [open trace in Grafana](${r.links.trace})` : code(r.trace_id)],
    ['Execution time', formatMs(p.duration_ms)],
    ['Destination writes', formatMs(p.destination_ms)],
  ]);
  const records = mdTable(['Records', 'Count'], [
    ['Synced', formatCount(p.records.synced)],
    ['Failed', formatCount(p.records.failed)],
    ['Skipped', formatCount(p.records.skipped)],
    ['Pending', formatCount(p.records.pending)],
    ['Batches', `${formatCount(p.batches)} (${formatCount(p.batches_failed)} failed, ${formatCount(p.write_retries)} write retries)`],
  ], ['left', 'right']);
  const detail = r.customer ? renderCustomerSections(r.customer) : [];
  const sections = [`# ${p.mark} ${p.key}`, overview, '## Records', records, '## Errors', errorsOf(r), ...detail, `---\n_Generated ${formatTime(r.generated_at)} from the run store${r.customer?.source_rows ? ' and the order table' : ''}._`];
  return `${sections.join('\n\n')}\n`;
}

function errorsOf(r: PartitionReport): string {
  const p = r.partition;
  if (p.records.failed === 0 && !p.error_category) return 'No errors. ✅';
  const lines: string[] = [];
  if (p.error_category) lines.push(`**${errorCell(p)}**${p.error_message ? ` — ${clip(p.error_message, 400)}` : ''}`);
  if (r.failed_records.length > 0) {
    const more = p.records.failed > r.failed_records.length ? ` (first ${r.failed_records.length} of ${formatCount(p.records.failed)})` : '';
    // The provider's request ID is what its support asks for; the column shows when any record has one.
    const withIds = r.failed_records.some((f) => f.request_id);
    lines.push(`### Failing records${more}`, mdTable(
      ['Record', 'Entity', 'Category', 'Message', ...(withIds ? ['Request ID'] : [])],
      r.failed_records.map((f) => [code(f.record_key), f.entity, f.category ?? '', clip(f.message, 300), ...(withIds ? [f.request_id ? code(f.request_id) : '—'] : [])]),
    ));
  }
  return lines.join('\n\n');
}
