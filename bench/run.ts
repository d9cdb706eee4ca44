/**
 * `npm run bench [-- case ...]`: runs the benchmark cases (all by default), prints a table of
 * ratios with their targets and writes bench/results.json. Not part of `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiUnderLoad } from './cases/api.js';
import { budgetUtilisation } from './cases/budget-utilisation.js';
import { commitBatch } from './cases/commit-batch.js';
import { graphqlBench } from './cases/graphql.js';
import { instructionsBench } from './cases/instructions.js';
import { memory } from './cases/memory.js';
import { ordersBench } from './cases/orders.js';
import { telemetryOutage } from './cases/outage.js';
import { telemetryOverhead } from './cases/overhead.js';
import { peer } from './cases/peer.js';
import { queueBench } from './cases/queue.js';
import { reportsBench } from './cases/reports.js';
import { startup } from './cases/startup.js';
import { throughput } from './cases/throughput.js';
import { writes } from './cases/writes.js';
import { renderFigures, type BenchFigure } from './lib/report.js';
import { cleanUpWorkers, prepareWorkers } from './lib/worker.js';

const CASES: Record<string, () => Promise<BenchFigure[]>> = {
  budget: budgetUtilisation,
  'commit-batch': commitBatch,
  reports: reportsBench,
  startup,
  overhead: telemetryOverhead,
  instructions: instructionsBench,
  memory,
  outage: telemetryOutage,
  peer,
  throughput,
  writes,
  api: apiUnderLoad,
  orders: ordersBench,
  graphql: graphqlBench,
  queue: queueBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : Object.keys(CASES);
const unknown = selected.filter((name) => !CASES[name]);
if (unknown.length) {
  process.stderr.write(`unknown bench case(s): ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}\n`);
  process.exit(2);
}

const figures: BenchFigure[] = [];
const startedAt = new Date().toISOString();
try {
  await prepareWorkers();
  for (const name of selected) {
    const t0 = performance.now();
    process.stderr.write(`▶ ${name} ...\n`);
    const caseFigures = await CASES[name]!();
    figures.push(...caseFigures);
    process.stderr.write(`✔ ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n${renderFigures(caseFigures)}\n\n`);
  }
} finally {
  cleanUpWorkers();
}
process.stdout.write(`\nSyncscope benchmarks, ${startedAt}, Node ${process.version}, ${selected.join(', ')}\n${renderFigures(figures)}\n`);
const notes = figures.filter((f) => f.note).map((f) => `  ${f.case} · ${f.metric}: ${f.note}`);
if (notes.length) process.stdout.write(`\n${notes.join('\n')}\n`);
writeFileSync(resolve(import.meta.dirname, 'results.json'), `${JSON.stringify({ startedAt, node: process.version, cases: selected, figures }, null, 2)}\n`);
