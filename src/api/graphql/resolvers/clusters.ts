import type { GraphqlContext } from '../GraphqlContext.ts';
import { inSubscriptions } from '../clusterFilter.ts';
import { clusterNode, type ClusterNode } from '../present.ts';

/** Query.clusters: every indexed cluster with its generation and freshness. */
export async function clusters(_parent: unknown, args: { readonly subscriptions?: readonly string[] | null }, context: GraphqlContext): Promise<ClusterNode[]> {
  const all = await context.queries.clusters();
  return all.filter((c) => inSubscriptions(c, args.subscriptions)).map(clusterNode);
}
