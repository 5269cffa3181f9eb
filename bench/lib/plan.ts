/** How many questions each measurement asks, and how long it may take, per size and mode. */

export type Size = 'S' | 'M' | 'L';
export const SIZES: readonly Size[] = ['S', 'M', 'L'];

export interface EnginePlan {
  /** Single-cluster whoCan / can / rulesFor questions (each). */
  readonly k8sQuestions: number;
  /** Cross-plane questions per measurement (each stops at the budget). */
  readonly crossQuestions: number;
  /** Time budget per cross-plane measurement, ms. */
  readonly crossBudgetMs: number;
  /** Naive-baseline questions (whoCan and can each), and their budget, ms. */
  readonly naiveQuestions: number;
  readonly naiveBudgetMs: number;
  /** Untimed questions first, so the JIT has compiled the paths being timed. */
  readonly warmup: number;
  /** Clusters whose findings and digest are timed (after one untimed cluster). */
  readonly findingsSample: number;
  /** Whether the findings are timed a second time without the whoCanAcross memo (at L one cluster's findings take seconds). */
  readonly findingsWithoutMemo: boolean;
}

export function enginePlan(size: Size, quick: boolean): EnginePlan {
  if (quick) return { k8sQuestions: 300, crossQuestions: 30, crossBudgetMs: 1_500, naiveQuestions: 10, naiveBudgetMs: 3_000, warmup: 50, findingsSample: 3, findingsWithoutMemo: true };
  const naiveQuestions = { S: 200, M: 100, L: 50 }[size];
  return { k8sQuestions: 5_000, crossQuestions: 500, crossBudgetMs: 8_000, naiveQuestions, naiveBudgetMs: 30_000, warmup: 500, findingsSample: size === 'L' ? 4 : 10, findingsWithoutMemo: size !== 'L' };
}

/** Server page size for ARM and Graph lists (Graph's maximum $top is 999); Kubernetes lists come in the collector's chunks of 500. */
export const SIM_PAGE_SIZE = 1_000;
