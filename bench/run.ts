/**
 * `npm run bench` — every benchmark of issue 9 in one run, each phase in its own Node process:
 *   engine S, M, L   compile throughput and index memory, question latency in memory, naive kubectl-who-can baseline
 *   sync M (whole)   collectTenant + buildAccessModel against the simulated tenant
 *   sync L (streaming) one unit at a time, store writes counted, clusters compiled and dropped
 * Writes bench/results/latest.json and latest.md. `npm run bench -- --quick`: S only, few questions, under a
 * minute, written to bench/results/quick.* (CI checks that the benchmark runs, not its timings).
 * Options: --only engine|sync, --sizes S,M (engine sizes).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX } from './lib/phaseIo.ts';
import { SIZES, type Size } from './lib/plan.ts';
import { METHOD, renderMarkdown, type BenchResults, type PhaseOutcome } from './lib/report.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
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

const startedAt = new Date();
const runStarted = performance.now();
const outcomes: PhaseOutcome[] = [];
for (const phase of phases) {
  process.stderr.write(`\n▶ ${phase.name}\n`);
  const loadBefore = loadavg()[0] ?? 0;
  const outcome = { ...(await runPhase(phase)), loadAverage: { before: Math.round(loadBefore * 100) / 100, after: Math.round((loadavg()[0] ?? 0) * 100) / 100 } };
  process.stderr.write(outcome.ok ? `  done in ${outcome.seconds} s\n` : `  FAILED after ${outcome.seconds} s\n`);
  outcomes.push(outcome);
}

const cpuList = cpus();
const results: BenchResults = {
  benchmark: 'aks-access (issue 9)',
  mode: quick ? 'quick' : 'full',
  command: quick ? 'npm run bench -- --quick' : 'npm run bench',
  date: startedAt.toISOString(),
  totalSeconds: Math.round((performance.now() - runStarted) / 1000),
  machine: {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
  },
  phases: outcomes,
  method: METHOD,
  store: { measured: false, note: 'store: not measured yet — needs src/store (round trips per question, the whole M pipeline through the embedded Cosmos server and its share of the time)' },
};

const dir = here('results/');
await mkdir(dir, { recursive: true });
const base = quick ? 'quick' : 'latest';
await writeFile(`${dir}${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderMarkdown(results);
await writeFile(`${dir}${base}.md`, markdown);
process.stdout.write(`\n${markdown}\nwritten: bench/results/${base}.json, bench/results/${base}.md (${results.totalSeconds} s)\n`);
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
