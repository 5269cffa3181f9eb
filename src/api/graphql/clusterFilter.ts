import type { AccessQueries, ClusterFreshness } from '../AccessQueries.ts';

/** The subscription id in a cluster's ARM id, lower-case. */
export function subscriptionOf(clusterId: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(clusterId)?.[1]?.toLowerCase();
}

export function resourceGroupOf(clusterId: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(clusterId)?.[1];
}

export function inSubscriptions(cluster: ClusterFreshness, subscriptions: readonly string[] | null | undefined): boolean {
  if (subscriptions === null || subscriptions === undefined || subscriptions.length === 0) return true;
  const sub = subscriptionOf(cluster.clusterId);
  return sub !== undefined && subscriptions.some((s) => s.trim().toLowerCase() === sub);
}

/**
 * The clusters a question names, narrowed to subscriptions: undefined = every cluster, [] = none match. Named
 * clusters are left for the query layer to check (an unknown name is UNKNOWN_CLUSTER whatever the filter).
 */
export async function chooseClusters(queries: AccessQueries, clusters: readonly string[] | null | undefined, subscriptions: readonly string[] | null | undefined): Promise<readonly string[] | undefined> {
  const named = clusters === null || clusters === undefined || clusters.length === 0 ? undefined : clusters;
  if (subscriptions === null || subscriptions === undefined || subscriptions.length === 0 || named !== undefined) return named;
  const all = await queries.clusters();
  // Nothing indexed: let the query layer say NOT_INDEXED.
  if (all.length === 0) return undefined;
  return all.filter((c) => inSubscriptions(c, subscriptions)).map((c) => c.clusterId);
}
