import type { UnitStatus } from '../../../store/IndexStore.ts';
import type { GraphqlContext } from '../GraphqlContext.ts';

export interface IndexStatusNode {
  readonly fresh: boolean;
  readonly clusters: number;
  readonly units: number;
  readonly failingUnits: number;
  readonly lastAttempt: string | null;
  readonly oldestSuccess: string | null;
  /** Served by IndexStatus.unitStatuses, to Access.Admin only. */
  readonly statuses: readonly UnitStatus[];
}

function latest(values: readonly string[]): string | null {
  return values.reduce<string | null>((a, b) => (a === null || Date.parse(b) > Date.parse(a) ? b : a), null);
}

function earliest(values: readonly string[]): string | null {
  return values.reduce<string | null>((a, b) => (a === null || Date.parse(b) < Date.parse(a) ? b : a), null);
}

/** Query.indexStatus: a summary every reader may see; the per-unit details are a field of their own. */
export async function indexStatus(_parent: unknown, _args: unknown, context: GraphqlContext): Promise<IndexStatusNode> {
  const [statuses, clusters] = await Promise.all([context.queries.indexStatus(), context.queries.clusters()]);
  const failing = statuses.filter((s) => s.state !== 'ok');
  const successes = statuses.map((s) => s.lastSuccess);
  return {
    fresh: failing.length === 0,
    clusters: clusters.length,
    units: statuses.length,
    failingUnits: failing.length,
    lastAttempt: latest(statuses.map((s) => s.lastAttempt)),
    oldestSuccess: successes.some((s) => s === undefined) ? null : earliest(successes.filter((s): s is string => s !== undefined)),
    statuses,
  };
}
