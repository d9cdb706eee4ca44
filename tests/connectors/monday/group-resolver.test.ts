import { afterEach, describe, expect, it } from 'vitest';
import { loadBoard } from '../../../src/connectors/monday/board.js';
import { boardLockKey } from '../../../src/connectors/monday/board-lock.js';
import { GroupResolver } from '../../../src/connectors/monday/group-resolver.js';
import { MondayClient } from '../../../src/connectors/monday/monday-client.js';
import { InProcessMutationLock } from '../../../src/scheduling/in-process-mutation-lock.js';
import { startMondaySimulator, type MondaySimulator } from '../../../src/simulator/monday/index.js';
import { DEMO_BOARD_ID, DEMO_MONDAY_TOKEN, demoBoard } from '../../../src/wiring/demo/orders-demo.js';

describe('GroupResolver across workers sharing one board lock', () => {
  let sim: MondaySimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  /** One worker's resolver: its own client and its own view of the board, loaded before any group exists. */
  async function workerResolver(lock: InProcessMutationLock): Promise<GroupResolver> {
    const client = new MondayClient({ url: sim!.url, token: DEMO_MONDAY_TOKEN, apiVersion: '2025-04', fetch });
    return new GroupResolver(client, lock, await loadBoard(client, DEMO_BOARD_ID));
  }

  it('three workers missing the same group at once create it once: the others find it under the lock', async () => {
    // Latency, so the three lookups overlap and all three see the group missing.
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN, latencyMs: 30 });
    const lock = new InProcessMutationLock();
    const resolvers = await Promise.all([workerResolver(lock), workerResolver(lock), workerResolver(lock)]);
    const groups = await Promise.all(resolvers.map((r) => r.resolve('Season SS25')));
    expect(new Set(groups.map((g) => g.id)).size).toBe(1);
    expect(groups.map((g) => g.action).sort()).toEqual(['created', 'found', 'found']);
    const stats = sim.stats();
    expect(stats.byOperation.createGroup).toBe(1);
    expect(stats.groupsCreated).toBe(1);
    expect(stats.idempotentReplays).toBe(0);
    expect(sim.board(DEMO_BOARD_ID).groups.filter((g) => g.title === 'Season SS25')).toHaveLength(1);
  });

  it('a group that already exists is found without waiting for the lock', async () => {
    sim = await startMondaySimulator({ boards: [demoBoard()], token: DEMO_MONDAY_TOKEN });
    const lock = new InProcessMutationLock();
    const first = await workerResolver(lock);
    const created = await first.resolve('Season FW25');
    const second = await workerResolver(lock);
    // The lock is held by another writer for the whole lookup: a lookup that needed it would hang.
    let release!: () => void;
    const held = lock.withLock(boardLockKey(DEMO_BOARD_ID), () => new Promise<void>((r) => (release = r)));
    await expect(second.resolve('Season FW25')).resolves.toEqual({ id: created.id, action: 'found' });
    release();
    await held;
  });
});
