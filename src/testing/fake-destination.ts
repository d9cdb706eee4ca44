import type { Destination } from '../ports/destination.js';
import type { Partition, SourceRecord, WriteResult } from '../ports/records.js';

/** An in-process Destination for engine tests: `respond` decides each write (default: all created). */
export class FakeDestination implements Destination {
  readonly name = 'fake';
  readonly writes: Array<{ partition: string; keys: string[] }> = [];

  constructor(private readonly respond: (partition: Partition, records: SourceRecord[]) => WriteResult | Promise<WriteResult> = (_p, records) => ({ created: records.length, updated: 0, failures: [] })) {}

  async writeBatch(partition: Partition, records: SourceRecord[]): Promise<WriteResult> {
    this.writes.push({ partition: partition.key, keys: records.map((r) => r.key) });
    return this.respond(partition, records);
  }

  async close(): Promise<void> {}
}
