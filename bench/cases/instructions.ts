import { execFileSync } from 'node:child_process';
import { startOtlpReceiver } from '../lib/otlp-endpoints.js';
import type { BenchFigure } from '../lib/report.js';
import { standardSync, startUnboundedSimulator } from '../lib/sync-setup.js';
import { compileCacheFolder, runWorker } from '../lib/worker.js';

const REPOS = 20;
/** Two sync sizes: their difference is what the records cost, start-up and warm-up cancelled out. */
const SMALL_PRS_PER_REPO = 100;
const LARGE_PRS_PER_REPO = 600;
/**
 * Under valgrind the sync runs ~10× slower while the exporters' timers do not: with their usual
 * 1 s delay a batch would leave several times as often per record as in a real run. With this
 * one, batches leave when full (512), as most of a real first sync's do, and at shutdown.
 */
const EXPORT_DELAY_UNDER_VALGRIND_MS = '60000';

type Variant = 'off' | 'on';

/**
 * What telemetry costs in instructions, which a shared machine's drift does not move (the
 * overhead case's wall times vary by ±20% run to run here): the bench's sync worker under
 * `valgrind --tool=callgrind`, telemetry off and fully on (as in the overhead case: spans and log
 * records over OTLP/HTTP to a receiver, JSON events at info to a file), each at two sizes, 2,000
 * and 12,000 records. Instructions per 10,000 records are the difference of the two sizes, so the
 * process's start-up, the SDK's and the first calls' compilation do not count: what is left is
 * what telemetry adds per API call and per record. The whole process counts (all threads: the
 * export's serialisation and HTTP, V8's compiler and GC). Each variant has its compile cache
 * filled by a run outside valgrind first.
 */
export async function instructionsBench(): Promise<BenchFigure[]> {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('instructions: valgrind is not installed (apt-get install valgrind): this case counts instructions with callgrind');
  }
  const small = await startUnboundedSimulator(REPOS, SMALL_PRS_PER_REPO);
  const large = await startUnboundedSimulator(REPOS, LARGE_PRS_PER_REPO);
  const receiver = await startOtlpReceiver();
  const instructions: Record<Variant, { small: number; large: number }> = { off: { small: 0, large: 0 }, on: { small: 0, large: 0 } };
  try {
    const envOf = async (variant: Variant): Promise<Record<string, string>> => ({
      SYNCSCOPE_COMPILE_CACHE: await compileCacheFolder(`instructions-${variant}`),
      ...(variant === 'off'
        ? { SYNCSCOPE_TELEMETRY: 'off' }
        : { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: EXPORT_DELAY_UNDER_VALGRIND_MS, OTEL_BLRP_SCHEDULE_DELAY: EXPORT_DELAY_UNDER_VALGRIND_MS }),
    });
    const args = (variant: Variant, sim: typeof small) => standardSync(sim, { auditBodies: 'all', logToFile: variant === 'on' });
    for (const variant of ['off', 'on'] as const) await runWorker(args(variant, small), await envOf(variant)); // fills the compile cache
    for (const variant of ['off', 'on'] as const) {
      for (const [size, sim, records] of [['small', small, REPOS * SMALL_PRS_PER_REPO], ['large', large, REPOS * LARGE_PRS_PER_REPO]] as const) {
        const run = await runWorker(args(variant, sim), await envOf(variant), [], ['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file']);
        if (run.status !== 'succeeded' || run.records !== records) throw new Error(`instructions: a sync ended ${run.status} with ${run.records}/${records} records`);
        const collected = /Collected : (\d+)/.exec(run.stderr)?.[1];
        if (!collected) throw new Error(`instructions: callgrind printed no instruction count: ${run.stderr.slice(-500)}`);
        instructions[variant][size] = Number(collected);
      }
    }
  } finally {
    await receiver.stop();
    await Promise.all([small.close(), large.close()]);
  }
  if (receiver.stats().spans === 0) throw new Error('instructions: the "on" runs exported no span');
  const perTenThousand = (variant: Variant) => ((instructions[variant].large - instructions[variant].small) / (REPOS * (LARGE_PRS_PER_REPO - SMALL_PRS_PER_REPO))) * 10_000;
  const giga = (n: number) => `${(n / 1e9).toFixed(2)} G`;
  const ratio = perTenThousand('on') / perTenThousand('off');
  return [
    {
      case: 'instructions',
      metric: 'sync instructions per record, telemetry on / off (callgrind)',
      value: ratio,
      unit: '×',
      note:
        `per 10,000 records: off ${giga(perTenThousand('off'))}, on ${giga(perTenThousand('on'))} instructions ` +
        `(the ${REPOS * LARGE_PRS_PER_REPO}-record sync minus the ${REPOS * SMALL_PRS_PER_REPO}-record one, whole process); ` +
        `whole processes: off ${giga(instructions.off.small)} / ${giga(instructions.off.large)}, on ${giga(instructions.on.small)} / ${giga(instructions.on.large)}; ` +
        `exports leave when a batch of 512 is full (OTEL_BSP_/OTEL_BLRP_SCHEDULE_DELAY=${EXPORT_DELAY_UNDER_VALGRIND_MS})`,
    },
    {
      case: 'instructions',
      metric: "telemetry's start-up and warm-up, instructions (the smaller sync's process, on − off)",
      value: (instructions.on.small - instructions.off.small - (perTenThousand('on') - perTenThousand('off')) * (REPOS * SMALL_PRS_PER_REPO / 10_000)) / 1e9,
      unit: 'G',
      note: 'loading and starting the SDK and exporters, and compiling their code on first use, with the compile cache warm',
    },
  ];
}
