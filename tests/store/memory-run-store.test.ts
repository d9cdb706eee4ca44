import { InMemoryRunStore } from '../../src/store/memory/in-memory-run-store.js';
import { describeRunStore } from '../contract/run-store.contract.js';

describeRunStore('InMemoryRunStore', async () => {
  const store = new InMemoryRunStore();
  await store.migrate();
  return { store, cleanup: () => store.close() };
});
