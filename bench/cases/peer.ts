import { startGithubSimulator, type GithubSimulator } from '../../src/simulator/github/index.js';
import { cpuPerThousand, recordsPerSecond, runPeerSide, runSyncscope, type PairOptions, type SideRun } from '../lib/peer-pair.js';
import type { BenchFigure } from '../lib/report.js';
import { list, median } from '../lib/stats.js';
import { startUnboundedSimulator } from '../lib/sync-setup.js';
import { peerScaling } from './peer-scaling.js';

/** The primary budget of the tight condition: requests per window of WINDOW_SECONDS. */
const BUDGET = 25;
const WINDOW_SECONDS = 2;
/** Secondary limits that never bind (the conditions measure the budget and latency, not them). */
const NO_SECONDARY = { maxConcurrent: 1000, pointsPerMinutePerEndpoint: 10_000_000 };

interface Condition {
  name: string;
  rounds: number;
  start: () => Promise<GithubSimulator>;
  options: PairOptions;
}

const CONDITIONS: Condition[] = [
  { name: 'zero latency', rounds: 5, start: () => startUnboundedSimulator(10, 100), options: { includeReviews: true, unbounded: true } },
  {
    name: '50 ms latency',
    rounds: 2,
    start: () => startGithubSimulator({ repos: 8, prsPerRepo: 60, latencyMs: 50, rateLimit: { limit: 10_000_000, windowSeconds: 3600 }, secondary: NO_SECONDARY }),
    options: { includeReviews: true, unbounded: true },
  },
  {
    name: `tight budget (${BUDGET} req / ${WINDOW_SECONDS} s)`,
    rounds: 1,
    start: () => startGithubSimulator({ repos: 20, prsPerRepo: 500, latencyMs: 5, rateLimit: { limit: BUDGET, windowSeconds: WINDOW_SECONDS }, secondary: NO_SECONDARY }),
    options: { includeReviews: false, unbounded: true, startAt: nextWindow },
  },
];

/**
 * Syncscope against the octokit peer (bench/peer-worker.ts: @octokit/core with plugin-throttling,
 * plugin-retry and plugin-paginate-rest, better-sqlite3 with one transaction per page, the same
 * endpoints and concurrency), alternating on one simulator per condition: zero latency (10 repos ×
 * 100 PRs × 2 reviews), 50 ms latency (8 × 60 × 2) and a tight primary budget (20 × 500, no
 * reviews, each side starting on a window boundary). Figures are Syncscope ÷ peer, the median of
 * the pairs' ratios; then the scaling of both (peer-scaling.ts). Syncscope runs at the product's
 * defaults: audit bodies "errors+sample", telemetry on without a backend.
 */
export async function peer(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const condition of CONDITIONS) figures.push(...(await measureCondition(condition)));
  figures.push(...(await peerScaling()));
  return figures;
}

async function measureCondition(condition: Condition): Promise<BenchFigure[]> {
  const sim = await condition.start();
  const pairs: { syncscope: SideRun; peer: SideRun }[] = [];
  try {
    for (let round = 0; round < condition.rounds; round++) {
      // Alternate who goes first, so drift on a shared machine falls on both.
      const first = round % 2 === 0 ? 'syncscope' : 'peer';
      const a = first === 'syncscope' ? await runSyncscope(sim, condition.options) : await runPeerSide(sim, condition.options);
      const b = first === 'syncscope' ? await runPeerSide(sim, condition.options) : await runSyncscope(sim, condition.options);
      const pair = first === 'syncscope' ? { syncscope: a, peer: b } : { syncscope: b, peer: a };
      if (pair.syncscope.records !== pair.peer.records) {
        throw new Error(`peer (${condition.name}): Syncscope synced ${pair.syncscope.records} records, the peer ${pair.peer.records}`);
      }
      pairs.push(pair);
    }
  } finally {
    await sim.close();
  }
  const ratio = (of: (r: SideRun) => number) => median(pairs.map((p) => of(p.syncscope) / of(p.peer)));
  const sides = (of: (r: SideRun) => number, digits = 0) => `Syncscope ${list(pairs.map((p) => of(p.syncscope)), 1, digits)}, peer ${list(pairs.map((p) => of(p.peer)), 1, digits)}`;
  const c = `peer · ${condition.name}`;
  const { records, requests } = pairs[0]!.syncscope;
  const throughput = ratio(recordsPerSecond);
  const cpu = ratio(cpuPerThousand);
  const figures: BenchFigure[] = [
    {
      case: 'peer', metric: `${condition.name}: records/s, Syncscope ÷ peer`, value: throughput, unit: '×', target: '≥ 1.0', pass: throughput >= 1,
      note: `${c}: ${records} records, ${requests} requests, ${pairs.length} pair(s); records/s ${sides(recordsPerSecond)}`,
    },
    {
      case: 'peer', metric: `${condition.name}: CPU per 1,000 records, Syncscope ÷ peer`, value: cpu, unit: '×',
      ...(condition.name === 'zero latency' ? { target: '≤ 1.0', pass: cpu <= 1 } : {}),
      note: `CPU ms per 1,000 records: ${sides(cpuPerThousand, 1)}`,
    },
    { case: 'peer', metric: `${condition.name}: peak RSS, Syncscope ÷ peer`, value: ratio((r) => r.maxRssMb), unit: '×', note: `MB: ${sides((r) => r.maxRssMb)}` },
  ];
  if (condition.options.startAt) {
    const utilisation = (r: SideRun) => budgetUtilisation(r);
    figures.push(
      {
        case: 'peer', metric: `${condition.name}: budget utilisation, Syncscope`, value: utilisation(pairs[0]!.syncscope), unit: '',
        target: '≥ 0.95', pass: utilisation(pairs[0]!.syncscope) >= 0.95,
        note: `the peer: ${utilisation(pairs[0]!.peer).toFixed(3)}; utilisation = the time the budget allows / the time taken`,
      },
      {
        case: 'peer', metric: `${condition.name}: primary-limit rejections, Syncscope`, value: pairs[0]!.syncscope.rejections, unit: '',
        target: '= 0', pass: pairs[0]!.syncscope.rejections === 0, note: `the peer: ${pairs[0]!.peer.rejections} (plugin-throttling waits for the reset once a request is refused)`,
      },
    );
  }
  return figures;
}

/**
 * As in the budget case: R requests against B per window need floor((R - 1) / B) window
 * boundaries after the start; utilisation = that ideal time / the time taken.
 */
function budgetUtilisation(run: SideRun): number {
  const windowMs = WINDOW_SECONDS * 1000;
  const windows = Math.floor((run.requests - 1) / BUDGET);
  if (windows === 0) return 1;
  const firstBoundary = (Math.floor(run.startedAtMs / windowMs) + 1) * windowMs;
  const idealMs = firstBoundary + (windows - 1) * windowMs - run.startedAtMs;
  return idealMs / run.elapsedMs;
}

/** The next window boundary at least 1.5 s away (a worker's start-up), plus 5 ms. */
function nextWindow(): number {
  const windowMs = WINDOW_SECONDS * 1000;
  return Math.ceil((Date.now() + 1500) / windowMs) * windowMs + 5;
}
