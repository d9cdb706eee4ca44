import { afterEach, beforeEach, describe } from 'vitest';
import { describeAggregatesContract } from './run-store-aggregates.contract.js';
import { describeAuditContract } from './run-store-audit.contract.js';
import { describeBatchContract } from './run-store-batches.contract.js';
import { describeChangesContract } from './run-store-changes.contract.js';
import { describeLeaseContract } from './run-store-leases.contract.js';
import { describeLifecycleContract } from './run-store-lifecycle.contract.js';
import { describeRunContract } from './run-store-runs.contract.js';
import { describeServiceContract } from './run-store-service.contract.js';
import type { RunStoreFactory, RunStoreFixture, StoreContext } from './run-store.helpers.js';

export type { RunStoreFactory, RunStoreFixture } from './run-store.helpers.js';

/**
 * The `RunStore` conformance suite. Every adapter runs it (tests/store/*, tests/services/*);
 * each test gets a fresh, migrated, empty store from `factory` and cleans it up afterwards.
 */
export function describeRunStore(name: string, factory: RunStoreFactory): void {
  describe(`RunStore contract: ${name}`, () => {
    let current: RunStoreFixture | undefined;
    const context: StoreContext = {
      get store() {
        return context.fixture.store;
      },
      get fixture() {
        if (current === undefined) throw new Error('no store: the factory failed or the test ended');
        return current;
      },
    };

    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    describeRunContract(context);
    describeBatchContract(context);
    describeAuditContract(context);
    describeLifecycleContract(context);
    describeAggregatesContract(context);
    describeChangesContract(context);
    describeServiceContract(context);
    describeLeaseContract(context);
  });
}
