import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, SyncError, UsageError } from '../errors/sync-error.js';
import { RUN_STATUSES } from '../ports/run-store.js';
import { VERSION } from '../wiring/version.js';
import { EXIT } from './exit-codes.js';

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};
const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const ratio = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be between 0 and 1');
  return n;
};

/** Flags of every command that runs a sync. */
function withOutputOptions(command: Command): Command {
  return command
    .option('--json', 'print the summary as one JSON object on stdout')
    .option('--log-level <level>', 'error | warn | info | debug (env SYNCSCOPE_LOG_LEVEL; per component: SYNCSCOPE_LOG_LEVELS=api=debug,db=warn)')
    .addOption(new Option('--log-format <format>', 'stderr log format (default: text in a terminal, json otherwise)').choices(['json', 'text']))
    .option('--metrics-file <path>', 'write the run\'s metrics in Prometheus text format at exit');
}

/**
 * Each verb's action imports its command module when it runs: a verb loads only what it uses
 * (`runs` no OpenTelemetry SDK, `demo` no express), which is most of a short command's start-up.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('syncscope')
    .description('Observability-first data sync: every sync traceable end to end by one sync ID.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  withOutputOptions(
    program
      .command('demo')
      .argument('[pipeline]', 'github (pull requests → SQLite) or orders (order rows → Monday.com)', 'github')
      .description('run a pipeline against its bundled simulator (no network, no setup): `demo` syncs GitHub into SQLite, `demo orders` an order table into Monday.com')
      .option('--repos <n>', 'repositories in the simulated org', int('--repos'))
      .option('--prs-per-repo <n>', 'pull requests per repository', int('--prs-per-repo'))
      .option('--latency-ms <ms>', 'simulated API latency', int('--latency-ms'))
      .option('--fault-rate <r>', 'share of API calls that get a transient fault (5xx, secondary limit, timeout, reset, truncated JSON)', ratio)
      .option('--rate-limit <n>', 'simulated primary budget: requests per window', int('--rate-limit'))
      .option('--rate-limit-window <s>', 'simulated budget window in seconds', int('--rate-limit-window'))
      .option('--seed <n>', 'simulated data seed', int('--seed'))
      .option('--batch-size <n>', 'records per destination write', int('--batch-size'))
      .option('--per-page <n>', 'pull requests per API page (GitHub allows 100)', int('--per-page'))
      .option('--concurrency <n>', 'repositories synced at once', int('--concurrency'))
      .option('--max-concurrent-requests <n>', 'API requests in flight at once (1 = sequential)', int('--max-concurrent-requests'))
      .option('--resume [sync-id]', 'resume an interrupted or cancelled demo run (default: the latest)')
      .addOption(new Option('--mode <mode>', 'GitHub API to read with (default graphql; a resume reuses the recorded mode)').choices(['rest', 'graphql']))
      .option('--data-dir <dir>', 'where the run store and the demo database go', './data')
      .option('--reports-dir <dir>', 'root of the report folders', './reports')
      .option('--scale <preset>', 'orders: small (120 orders) or production (7,104 orders, 34 customers, 127 groups)')
      .option('--customer <name>', 'orders: only this customer (repeatable)', collect)
      .option('--limit <n>', 'orders: at most this many orders', positive('--limit'))
      .option('--skip-subitems', 'orders: items without their subitems')
      .option('--dry-run', 'orders: plan only, write nothing to the simulator or the order table')
      .option('--time-scale <n>', 'orders: run the Monday simulator\'s clock n times faster (default 1; 20 for --scale production)', positive('--time-scale')),
  ).action(async (pipeline: string, options) => setExitCode(await demoFor(pipeline, options)));

  withOutputOptions(
    program
      .command('run')
      .description('run a configured pipeline (dry by default)')
      .requiredOption('-c, --config <file>', 'pipeline config (.toml, .yaml)')
      .option('--execute', 'write to the destination (default: dry run, every record skipped)')
      .option('--resume <sync-id>', 'continue an interrupted or cancelled run from its checkpoints')
      .option('--retry-failed <sync-id>', 're-run only the records that failed in that sync')
      .addOption(new Option('--mode <mode>', 'GitHub API to read with (default: source.mode, graphql; a resume reuses the recorded mode)').choices(['rest', 'graphql']))
      .option('--environment <name>', 'merge the config\'s [environments.<name>] section over it (e.g. development, production)')
      .option('--customer <name>', 'orders: only this customer (repeatable; case-insensitive)', collect)
      .option('--limit <n>', 'orders: at most this many pending rows, by customer then key', positive('--limit'))
      .option('--skip-subitems', 'orders: create items without their subitems')
      .option('--generate-report', 'accepted for the order-sync CLI: reports are always written, even when the sync fails')
      .option('--distributed', 'enqueue the partitions for `syncscope worker` processes (BullMQ on SYNCSCOPE_REDIS_URL); waits for the run unless --detach')
      .option('--detach', 'with --distributed: print the sync ID and return once enqueued'),
  ).action(async (options) => setExitCode(await (await import('./commands/run.js')).runCommand(options)));

  program
    .command('runs')
    .description('list runs, most recent first')
    .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL', './data/syncscope.db')
    .option('--status <status>', RUN_STATUSES.join(' | '))
    .option('--pipeline <name>', 'only this pipeline')
    .option('--since <when>', 'ISO date or duration back from now (24h, 7d)')
    .option('--limit <n>', 'at most this many runs', '20')
    .option('--json', 'print JSON')
    .action(async (options) => setExitCode(await (await import('./commands/runs.js')).runsCommand(options)));

  program
    .command('show')
    .description('the on-call view of one sync: status, progress, partitions, errors, slowest calls, trace')
    .argument('<sync-id>', 'e.g. 202611231405-SYNC-7AC96AF9')
    .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL', './data/syncscope.db')
    .option('--reports-dir <dir>', 'root of the report folders', './reports')
    .option('--json', 'print the digest (the _SYNC_SUMMARY.json data) plus the slowest calls')
    .action(async (syncId: string, options) => setExitCode(await (await import('./commands/show.js')).showCommand(syncId, options)));

  withOutputOptions(
    program
      .command('report')
      .description('(re)build the report folder of a sync from the run store')
      .argument('<sync-id>', 'e.g. 202611231405-SYNC-7AC96AF9')
      .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL', './data/syncscope.db')
      .option('--reports-dir <dir>', 'root of the report folders', './reports'),
  ).action(async (syncId: string, options) => setExitCode(await (await import('./commands/report.js')).reportCommand(syncId, options)));

  program
    .command('prune')
    .description('delete runs (and their report folders) older than a duration')
    .requiredOption('--older-than <duration>', 'e.g. 30d, 12h, 2w')
    .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL', './data/syncscope.db')
    .option('--reports-dir <dir>', 'root of the report folders', './reports')
    .option('--bodies-older-than <duration>', 'also drop the audit bodies (not the rows) of runs older than this (audit.body_retention)', '7d')
    .option('--json', 'print JSON')
    .action(async (options) => setExitCode(await (await import('./commands/prune.js')).pruneCommand(options)));

  withOutputOptions(
    program
      .command('worker')
      .description('process distributed runs\' partition jobs from Redis (SYNCSCOPE_REDIS_URL); /metrics and /healthz on --port')
      .option('--concurrency <n>', 'partition jobs at once', int('--concurrency'))
      .option('--port <port>', 'port of /metrics and /healthz (0 = any; default SYNCSCOPE_WORKER_PORT or 9465)')
      .option('--host <host>', 'address to bind', '127.0.0.1'),
  ).action(async (options) => setExitCode(await (await import('./commands/worker.js')).workerCommand(options)));

  withOutputOptions(
    program
      .command('serve')
      .description('the sync service: runs declared pipelines on request, the status API (/api/v1), the dashboard (/), /metrics')
      .option('-c, --config <file>', 'service config (.toml, .yaml): organizations, declared pipelines, API tokens')
      .option('--port <port>', 'port to listen on (default: the config\'s listen.port, 9464)')
      .option('--host <host>', 'address to bind (default: the config\'s listen.host, 127.0.0.1)')
      .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL (default: the config\'s store, ./data/syncscope.db)')
      .option('--demo', 'also declare the bundled GitHub simulator as the github-demo pipeline and print a one-time token to sign in with'),
  ).action(async (options) => setExitCode(await (await import('./commands/serve.js')).serveCommand(options)));

  program
    .command('status')
    .description('where a sync stands (progress, ETA, partitions, errors), from the run store or a service (--url)')
    .argument('[sync-id]', 'a sync ID; without it, the runs in progress and the latest ones')
    .option('--store <path-or-url>', 'run store: SQLite path or postgres:// URL', './data/syncscope.db')
    .option('--url <url>', 'a syncscope service, e.g. http://127.0.0.1:9464 (token from SYNCSCOPE_TOKEN)')
    .option('--watch', 'redraw until the run ends')
    .option('--interval <seconds>', 'seconds between redraws with --watch', '2')
    .option('--json', 'print the status view as JSON')
    .action(async (syncId: string | undefined, options) => setExitCode(await (await import('./commands/status.js')).statusCommand(syncId, options)));

  program
    .command('token')
    .description('API tokens for `serve`')
    .command('new')
    .description('print a new random API token and the config entry holding its hash')
    .requiredOption('--id <id>', 'name of the token in logs (e.g. acme-ops)')
    .option('--organization <org>', 'organization it sees', 'default')
    .addOption(new Option('--role <role>', 'read: GET only; operate: also start and cancel runs').choices(['read', 'operate']).default('read'))
    .action(async (options) => setExitCode((await import('./commands/token.js')).tokenNewCommand(options)));

  program
    .command('simulate')
    .argument('[api]', 'github (default) or monday', 'github')
    .description('serve an API simulator alone: GitHub (default) or Monday.com (`simulate monday`, with the demo board)')
    .option('--port <port>', 'port (0 = any free port)', '0')
    .option('--repos <n>', 'repositories', int('--repos'), 5)
    .option('--prs-per-repo <n>', 'pull requests per repository', int('--prs-per-repo'), 40)
    .option('--latency-ms <ms>', 'latency per response', int('--latency-ms'), 0)
    .option('--fault-rate <r>', 'share of calls that get a transient fault', ratio, 0)
    .option('--rate-limit <n>', 'requests per window', int('--rate-limit'), 5000)
    .option('--rate-limit-window <s>', 'window in seconds', int('--rate-limit-window'), 3600)
    .option('--seed <n>', 'data seed', int('--seed'), 42)
    .option('--token <token>', 'require this token')
    .option('--time-scale <n>', 'monday: run its clock n times faster', positive('--time-scale'))
    .option('--complexity-per-minute <n>', 'monday: complexity budget per minute (default 10,000,000)', positive('--complexity-per-minute'))
    .action(async (api: string, options) => {
      if (api === 'monday') setExitCode(await (await import('./commands/simulate-monday.js')).simulateMondayCommand(options));
      else if (api === 'github') setExitCode(await (await import('./commands/simulate.js')).simulateCommand(options));
      else throw new UsageError(`simulate ${api}: the simulators are github and monday`);
    });

  return program;
}

const GITHUB_ONLY = ['repos', 'prsPerRepo', 'rateLimit', 'rateLimitWindow', 'perPage', 'maxConcurrentRequests', 'resume', 'mode'];
const ORDERS_ONLY = ['scale', 'customer', 'limit', 'skipSubitems', 'dryRun', 'timeScale'];

const verbFor = (flags: string[]) => (flags.length === 1 ? 'applies' : 'apply');

/** `demo` and `demo orders` share the output flags; each refuses the other's own. */
async function demoFor(pipeline: string, options: Record<string, unknown>): Promise<number> {
  const misplaced = (names: string[]) => names.filter((n) => options[n] !== undefined).map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (pipeline === 'orders') {
    const wrong = misplaced(GITHUB_ONLY);
    if (wrong.length) throw new UsageError(`${wrong.join(', ')} ${verbFor(wrong)} to the GitHub demo, not demo orders`);
    const { demoOrdersCommand } = await import('./commands/demo-orders.js');
    return demoOrdersCommand(options as unknown as Parameters<typeof demoOrdersCommand>[0]);
  }
  if (pipeline !== 'github') throw new UsageError(`demo ${pipeline}: the demos are github (the default) and orders`);
  const wrong = misplaced(ORDERS_ONLY);
  if (wrong.length) throw new UsageError(`${wrong.join(', ')} ${verbFor(wrong)} to demo orders`);
  const { demoCommand } = await import('./commands/demo.js');
  return demoCommand(options as unknown as Parameters<typeof demoCommand>[0]);
}

/** The one catch: maps error classes to exit codes and prints a clear message. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.success;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.success : EXIT.usage;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`syncscope: ${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof SyncError ? `${error.category}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`syncscope: ${message}\n`);
    return EXIT.failures;
  }
}
