/** Latency samples → the figures the results report. */

export interface LatencySummary {
  /** Questions answered (timed). */
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of sorted samples (p in 0..100). With fewer than 100 samples p99 is the maximum. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Three significant figures: latencies span microseconds to seconds. */
export function round3(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 6)));
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    n: sorted.length,
    p50Ms: round3(percentile(sorted, 50)),
    p99Ms: round3(percentile(sorted, 99)),
    meanMs: round3(sorted.length === 0 ? Number.NaN : sum / sorted.length),
    maxMs: round3(sorted.at(-1) ?? Number.NaN),
  };
}

export interface TimedRun<T> {
  readonly summary: LatencySummary;
  readonly results: readonly T[];
  /** Set when the time budget ended the run before every question was asked. */
  readonly stoppedByBudget: boolean;
}

/**
 * Asks `questions` one by one, timing each, until all are asked or `budgetMs` has passed (never fewer than
 * `minSamples`): slow paths get fewer questions rather than stretching the run, and the count is reported.
 */
export function timeEach<Q, T>(questions: readonly Q[], answer: (q: Q) => T, budgetMs: number, minSamples = 1): TimedRun<T> {
  const samples: number[] = [];
  const results: T[] = [];
  const started = performance.now();
  let stoppedByBudget = false;
  for (const q of questions) {
    if (samples.length >= minSamples && performance.now() - started > budgetMs) {
      stoppedByBudget = true;
      break;
    }
    const t0 = performance.now();
    const r = answer(q);
    samples.push(performance.now() - t0);
    results.push(r);
  }
  return { summary: summarize(samples), results, stoppedByBudget };
}

/** The async form of timeEach, for questions that go over the network. */
export async function timeEachAsync<Q, T>(questions: readonly Q[], answer: (q: Q) => Promise<T>, budgetMs: number, minSamples = 1): Promise<TimedRun<T>> {
  const samples: number[] = [];
  const results: T[] = [];
  const started = performance.now();
  let stoppedByBudget = false;
  for (const q of questions) {
    if (samples.length >= minSamples && performance.now() - started > budgetMs) {
      stoppedByBudget = true;
      break;
    }
    const t0 = performance.now();
    const r = await answer(q);
    samples.push(performance.now() - t0);
    results.push(r);
  }
  return { summary: summarize(samples), results, stoppedByBudget };
}
