import type { GraphqlContext } from '../GraphqlContext.ts';
import type { ClusterChanges } from '../../changes/accessChangesOf.ts';
import type { ClusterFreshness } from '../../AccessQueries.ts';
import { answerFreshness, type ClusterNode } from '../present.ts';

export interface AccessChangesArgs {
  /** graphql-scalars' DateTime hands over a Date. */
  readonly since: Date | string;
  readonly cluster?: string | null;
  readonly principal?: string | null;
  readonly capability?: string | null;
}

export type ClusterAccessChangesNode = Omit<ClusterChanges<ClusterFreshness>, 'cluster'> & { readonly cluster: ClusterNode; readonly stale: boolean; readonly staleReasons: readonly string[] };

/** Query.accessChanges: per cluster, who gained, lost or changed access since `since`. */
export async function accessChanges(_parent: unknown, args: AccessChangesArgs, context: GraphqlContext): Promise<{ since: string; clusters: ClusterAccessChangesNode[] }> {
  const answer = await context.queries.accessChanges({
    since: args.since instanceof Date ? args.since.toISOString() : args.since,
    ...(args.cluster === undefined || args.cluster === null ? {} : { clusters: [args.cluster] }),
    ...(args.principal === undefined || args.principal === null ? {} : { principal: args.principal }),
    ...(args.capability === undefined || args.capability === null ? {} : { capability: args.capability }),
  });
  return { since: answer.since, clusters: answer.clusters.map((c) => ({ ...c, ...answerFreshness({ cluster: c.cluster, answer: undefined }) })) };
}
