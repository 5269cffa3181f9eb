/**
 * `npm run bench` — every benchmark of issue 9 in one run, each phase in its own Node process:
 *   engine S, M, L   compile throughput and index memory, question latency in memory, naive kubectl-who-can baseline
 *   sync M (whole)   collectTenant + buildAccessModel against the simulated tenant
 *   sync L (streaming) one unit at a time, store writes counted, clusters compiled and dropped
 *   store S          runSync with the real collectors into CosmosIndexStore on the embedded Cosmos server (its own
 *                    process), then whoCan / can through AccessQueries: latency cold and warm, Cosmos round trips
 * Writes bench/results/latest.json and latest.md. `npm run bench -- --quick`: S only, few questions, under a
 * minute, written to bench/results/quick.* (CI checks that the benchmark runs, not its timings).
 * Options: --only engine|sync|store, --sizes S,M (engine sizes), --store-size S|M (default S:
 * M through the embedded Cosmos server takes 7–20 minutes, most of it the server's quadratic query scans), --merge (keep the other phases of the existing
 * latest.json and replace only the ones run now; each phase keeps the date of the run that measured it),
 * --recorded FILE[:SECONDS] (a phase already run on its own — `node --expose-gc bench/phases/X.ts … > FILE` — taken
 * from FILE's result line instead of running it again; with --only it stands in for the phases of that name),
 * --not-measured TEXT (a line for the "Not measured yet" list: what this run set out to measure and could not).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX } from './lib/phaseIo.ts';
import { SIZES, type Size } from './lib/plan.ts';
import { METHOD, renderMarkdown, type BenchResults, type PhaseOutcome } from './lib/report.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const merge = args.includes('--merge') && !quick;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const sizesArg = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : undefined;
const engineSizes: readonly Size[] = quick ? ['S'] : sizesArg === undefined ? SIZES : (sizesArg.split(',').filter((s) => (SIZES as readonly string[]).includes(s)) as Size[]);

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface PhaseSpec {
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
}

const phases: PhaseSpec[] = [];
if (only === undefined || only === 'engine') {
  for (const size of engineSizes) phases.push({ name: `engine ${size}`, script: 'phases/engine.ts', args: [size, ...(quick ? ['--quick'] : [])] });
}
if (only === undefined || only === 'sync') {
  if (quick) {
    phases.push({ name: 'sync S whole', script: 'phases/sync.ts', args: ['S', 'whole', '--quick'] });
    phases.push({ name: 'sync S streaming', script: 'phases/sync.ts', args: ['S', 'streaming', '--quick'] });
  } else {
    phases.push({ name: 'sync M whole', script: 'phases/sync.ts', args: ['M', 'whole'] });
    phases.push({ name: 'sync M streaming', script: 'phases/sync.ts', args: ['M', 'streaming'] });
    phases.push({ name: 'sync L streaming', script: 'phases/sync.ts', args: ['L', 'streaming'] });
  }
}

if (only === undefined || only === 'store') {
  const storeSize = quick ? 'S' : args.includes('--store-size') ? (args[args.indexOf('--store-size') + 1] ?? 'S') : 'S';
  phases.push({ name: `store ${storeSize}`, script: 'phases/store.ts', args: [storeSize, ...(quick ? ['--quick'] : [])] });
}

/** Runs one phase in a fresh process (--expose-gc for the heap figures; a large heap for L), returns its result line. */
function runPhase(phase: PhaseSpec): Promise<PhaseOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=12288', here(phase.script), ...phase.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const stderrTail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail.push(chunk);
      if (stderrTail.length > 40) stderrTail.shift();
    });
    child.on('close', (code) => {
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        resolve({ name: phase.name, ok: false, seconds, error: `exit code ${String(code)}: ${stderrTail.join('').slice(-2000)}` });
        return;
      }
      resolve({ name: phase.name, ok: true, seconds, result: JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown> });
    });
  });
}

/** Phases run on their own earlier (--recorded FILE[:SECONDS]): their result lines, not run again here. */
const recorded: PhaseOutcome[] = [];
for (const [i, a] of args.entries()) {
  if (a !== '--recorded') continue;
  const spec = args[i + 1] ?? '';
  const [file = '', secondsText] = spec.split(':');
  const line = (await readFile(file, 'utf8')).split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`--recorded ${file}: no result line`);
  const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
  const name = `${String(result.phase)} ${String(result.size)}`;
  recorded.push({ name, ok: true, seconds: Number(secondsText ?? 'NaN'), result, date: (await stat(file)).mtime.toISOString() });
  const at = phases.findIndex((p) => p.name === name);
  if (at >= 0) phases.splice(at, 1);
}

const startedAt = new Date();
const runStarted = performance.now();
const outcomes: PhaseOutcome[] = [];
for (const phase of phases) {
  process.stderr.write(`\n▶ ${phase.name}\n`);
  const loadBefore = loadavg()[0] ?? 0;
  const phaseDate = new Date().toISOString();
  const outcome = { ...(await runPhase(phase)), date: phaseDate, loadAverage: { before: Math.round(loadBefore * 100) / 100, after: Math.round((loadavg()[0] ?? 0) * 100) / 100 } };
  process.stderr.write(outcome.ok ? `  done in ${outcome.seconds} s\n` : `  FAILED after ${outcome.seconds} s\n`);
  outcomes.push(outcome);
}

outcomes.push(...recorded);
const dir = here('results/');
const base = quick ? 'quick' : 'latest';
/** With --merge: the previous run's phases that were not run now, each stamped with that run's date. */
let previous: BenchResults | undefined;
if (merge) {
  previous = JSON.parse(await readFile(`${dir}${base}.json`, 'utf8')) as BenchResults;
  const now = new Set(outcomes.map((o) => o.name));
  const kept = previous.phases.filter((p) => !now.has(p.name)).map((p) => ({ ...p, date: p.date ?? previous?.date }));
  outcomes.unshift(...kept);
}

const cpuList = cpus();
const results: BenchResults = {
  benchmark: 'aks-access (issue 9)',
  mode: quick ? 'quick' : 'full',
  command: previous?.command ?? (quick ? 'npm run bench -- --quick' : 'npm run bench'),
  date: previous?.date ?? startedAt.toISOString(),
  totalSeconds: previous?.totalSeconds ?? Math.round((performance.now() - runStarted) / 1000),
  ...(previous === undefined ? {} : { merged: [...(previous.merged ?? []), { command: `npm run bench -- ${args.join(' ')}`, date: startedAt.toISOString(), seconds: Math.round((performance.now() - runStarted) / 1000), phases: [...phases.map((p) => p.name), ...recorded.map((p) => `${p.name} (recorded, run on its own)`)] }] }),
  machine: {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
  },
  phases: outcomes,
  method: METHOD,
  notMeasured: [
    ...args.flatMap((a, i) => (a === '--not-measured' && args[i + 1] !== undefined ? [args[i + 1] as string] : [])),
    'store on L: the embedded Cosmos server keeps every document in memory and scans a whole container for each query; the L tenant (3.2 million objects) is beyond what it is meant for. A real account (COSMOS_ENDPOINT) is the way to measure L.',
    'store against a real Cosmos DB account: request units, network latency and throttling (the embedded server has none of them).',
  ],
};

await mkdir(dir, { recursive: true });
await writeFile(`${dir}${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderMarkdown(results);
await writeFile(`${dir}${base}.md`, markdown);
process.stdout.write(`\n${markdown}\nwritten: bench/results/${base}.json, bench/results/${base}.md (${results.totalSeconds} s)\n`);
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
