import { runPeerSide, runSyncscope, type SideRun } from '../lib/peer-pair.js';
import type { BenchFigure } from '../lib/report.js';
import { startUnboundedSimulator } from '../lib/sync-setup.js';

/** `npm run bench peer -- --1m` adds the 1M-record step (minutes on a shared 2-core machine). */
const WITH_1M = process.argv.includes('--1m');

const SIZES: { label: string; repos: number; prsPerRepo: number }[] = [
  { label: '10k', repos: 10, prsPerRepo: 1_000 },
  { label: '100k', repos: 100, prsPerRepo: 1_000 },
  ...(WITH_1M ? [{ label: '1M', repos: 100, prsPerRepo: 10_000 }] : []),
];

/**
 * How both sides scale with the sync's size, 10k → 100k (→ 1M with --1m) pull requests on a
 * zero-latency simulator without limits, no reviews: wall time, peak RSS and bytes on disk per
 * record (Syncscope: run store + destination, at the default audit bodies "errors+sample"; the
 * peer: its database), one run of each per size.
 */
export async function peerScaling(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  let previous: { syncscope: SideRun; peer: SideRun; label: string } | undefined;
  for (const size of SIZES) {
    const sim = await startUnboundedSimulator(size.repos, size.prsPerRepo);
    let syncscope: SideRun;
    let peer: SideRun;
    try {
      syncscope = await runSyncscope(sim, { includeReviews: false, unbounded: true });
      peer = await runPeerSide(sim, { includeReviews: false, unbounded: true });
    } finally {
      await sim.close();
    }
    const records = syncscope.records;
    const bytes = (r: SideRun) => (r.storeBytes + r.destinationBytes) / r.records;
    const growth = previous
      ? `; × ${(syncscope.elapsedMs / previous.syncscope.elapsedMs).toFixed(1)} wall and × ${(syncscope.maxRssMb / previous.syncscope.maxRssMb).toFixed(2)} RSS from ${previous.label} (the peer × ${(peer.elapsedMs / previous.peer.elapsedMs).toFixed(1)}, × ${(peer.maxRssMb / previous.peer.maxRssMb).toFixed(2)})`
      : '';
    const rss = syncscope.maxRssMb / peer.maxRssMb;
    figures.push(
      {
        case: 'peer', metric: `${size.label} records: wall time, Syncscope ÷ peer`, value: syncscope.elapsedMs / peer.elapsedMs, unit: '×',
        note: `scaling · ${records} records: Syncscope ${(syncscope.elapsedMs / 1000).toFixed(1)} s, peer ${(peer.elapsedMs / 1000).toFixed(1)} s${growth}`,
      },
      {
        case: 'peer', metric: `${size.label} records: peak RSS, Syncscope ÷ peer`, value: rss, unit: '×',
        ...(size.label === '1M' ? { target: '≤ 1.2', pass: rss <= 1.2 } : {}),
        note: `Syncscope ${Math.round(syncscope.maxRssMb)} MB, peer ${Math.round(peer.maxRssMb)} MB`,
      },
      {
        case: 'peer', metric: `${size.label} records: run store bytes per record (audit bodies "errors+sample")`, value: Math.round(syncscope.storeBytes / records), unit: 'B',
        target: '≤ 250', pass: syncscope.storeBytes / records <= 250,
      },
      {
        case: 'peer', metric: `${size.label} records: bytes on disk per record, Syncscope`, value: Math.round(bytes(syncscope)), unit: 'B',
        note: `run store ${Math.round(syncscope.storeBytes / records)} B + destination ${Math.round(syncscope.destinationBytes / records)} B per record; the peer's database ${Math.round(bytes(peer))} B`,
      },
    );
    previous = { syncscope, peer, label: size.label };
  }
  if (!WITH_1M) {
    figures.push({ case: 'peer', metric: '1M records', value: 0, unit: 'skipped', note: 'the 1M-record step runs with `npm run bench peer -- --1m` (minutes on this machine)' });
  }
  return figures;
}
