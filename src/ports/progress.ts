/** Where a run stands, for progress displays. Counts include earlier attempts of a resumed run. */
export interface RunProgress {
  partitionsTotal: number;
  partitionsDone: number;
  /** Records in a final state (synced, failed, skipped) so far. */
  recordsDone: number;
  recordsFailed: number;
  /** The last report of the run: no more partitions will start. */
  finished?: boolean;
}

/** Told whenever a partition finishes or a batch commits; must be cheap and never throw. */
export type ProgressListener = (progress: RunProgress) => void;
