import type { Partition, RecordFailure, SourceRecord } from '../ports/records.js';
import type { Source, SourcePage, WriteAcknowledgement } from '../ports/source.js';

export interface FakeSourceOptions {
  /** Records per partition key, read in pages of `pageSize`. */
  partitions: Record<string, SourceRecord[]>;
  pageSize?: number;
  kind?: Partition['kind'];
  /** Source failures to report with a partition's last page. */
  failures?: Record<string, RecordFailure[]>;
  /** With it, the source has a write-back (`acknowledge`) that records every call, or throws what this returns. */
  acknowledge?: (ack: WriteAcknowledgement) => Error | undefined;
  /** Reading this partition throws `error` at its `record`-th record (1-based): the records before it are handed over first. */
  throwAt?: { partition: string; record: number; error: Error };
}

/** An in-process Source for engine tests: pages out given records, cursors are offsets. */
export class FakeSource implements Source {
  readonly connector = 'fake';
  readonly acknowledged: WriteAcknowledgement[] = [];
  readonly acknowledge?: (ack: WriteAcknowledgement) => Promise<void>;

  constructor(private readonly options: FakeSourceOptions) {
    const onAck = options.acknowledge;
    if (onAck) {
      this.acknowledge = async (ack) => {
        this.acknowledged.push(structuredClone(ack));
        const error = onAck(ack);
        if (error) throw error;
      };
    }
  }

  async listPartitions(): Promise<Partition[]> {
    return Object.keys(this.options.partitions).map((key) => ({ key, kind: this.options.kind ?? 'customer' }));
  }

  async *readPartition(partition: Partition, cursor: string | undefined): AsyncIterable<SourcePage> {
    const records = this.options.partitions[partition.key] ?? [];
    const size = this.options.pageSize ?? 100;
    const throwAt = this.options.throwAt?.partition === partition.key ? this.options.throwAt : undefined;
    for (let at = cursor ? Number(cursor) : 0; at < records.length || (at === 0 && records.length === 0); at += size) {
      if (throwAt && throwAt.record <= at + size) {
        const before = records.slice(at, throwAt.record - 1);
        if (before.length > 0) yield { records: before, nextCursor: String(throwAt.record - 1) };
        throw throwAt.error;
      }
      const next = at + size < records.length ? String(at + size) : undefined;
      yield { records: records.slice(at, at + size), nextCursor: next, ...(next === undefined ? { failures: this.options.failures?.[partition.key] ?? [] } : {}) };
      if (records.length === 0) return;
    }
  }

  async close(): Promise<void> {}
}

/** `count` records of a partition: keys `<partition>-<n>`, entity `order`. */
export function fakeRecords(partition: string, count: number, data: Record<string, unknown> = {}): SourceRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${partition}-${i + 1}`, entity: 'order', data: { n: i + 1, ...data } }));
}
