import type { UnitKey, UnitStatus } from '../store/IndexStore.ts';
import { RETIRED_MESSAGE, type UnitRunResult } from './runUnit.ts';
import { AZURE_RBAC_TENANT, ENTRA_TENANT, clusterUnit, subscriptionOfCluster, subscriptionUnits, unitScope } from './units.ts';

/*
 * A run is planned in stages, each from what the stage before found: the tenant units list the subscriptions,
 * each subscription's aks-clusters unit lists its clusters. When a listing unit fails, the next stage comes
 * from what the store already knows (the scopes of earlier runs), so one failure never stops the units below it.
 */

/** The scopes earlier runs saw: what the next stage falls back to when a listing unit fails. */
export interface KnownScopes {
  readonly subscriptionIds: readonly string[];
  /** Cluster ARM ids, as the aks-clusters collector returned them. */
  readonly clusterIds: readonly string[];
}

export const NOTHING_KNOWN: KnownScopes = { subscriptionIds: [], clusterIds: [] };

/**
 * Every unit of a run over the given scopes: the tenant units (azure-rbac tenant, entra tenant), per subscription
 * azure-rbac and aks-clusters, per cluster k8s-rbac. With nothing known, only the tenant units: the first stage.
 */
export function planRun(known: KnownScopes = NOTHING_KNOWN): UnitKey[] {
  return [AZURE_RBAC_TENANT, ENTRA_TENANT, ...unique(known.subscriptionIds).flatMap(subscriptionUnits), ...unique(known.clusterIds).map(clusterUnit)];
}

/** The scopes in unit statuses that are still part of the tenant (not retired). */
export function knownScopes(statuses: readonly UnitStatus[]): KnownScopes {
  const subscriptionIds = new Set<string>();
  const clusterIds = new Set<string>();
  for (const s of statuses) {
    if (s.message === RETIRED_MESSAGE) continue;
    if (s.scope.startsWith('sub:')) subscriptionIds.add(s.scope.slice('sub:'.length));
    else if (s.source === 'k8s-rbac' && s.scope.startsWith('cluster:')) clusterIds.add(s.scope.slice('cluster:'.length));
  }
  return { subscriptionIds: [...subscriptionIds], clusterIds: [...clusterIds] };
}

/** What a finished unit adds to the run: the next stage's units, and the units whose scope has gone. */
export interface NextStage {
  readonly run: readonly UnitKey[];
  readonly retire: readonly UnitKey[];
}

const NONE: NextStage = { run: [], retire: [] };

/**
 * The units a finished unit leads to. azure-rbac tenant → each subscription's units (the listed ones if it
 * succeeded, else the known ones); aks-clusters sub:S → each of S's clusters' k8s-rbac unit (likewise).
 * Only a complete listing retires anything: known scopes it no longer lists, with everything under them.
 */
export function nextStage(result: Pick<UnitRunResult, 'unit' | 'snapshot'>, known: KnownScopes): NextStage {
  const scope = unitScope(result.unit);
  const snapshot = result.snapshot;
  if (result.unit.source === 'azure-rbac' && scope.kind === 'tenant') {
    if (snapshot?.source !== 'azure-rbac') return { run: unique(known.subscriptionIds).flatMap(subscriptionUnits), retire: [] };
    const listed = unique(snapshot.data.subscriptions.map((s) => s.subscriptionId));
    const gone = new Set(unique(known.subscriptionIds).filter((s) => !listed.some((l) => sameId(l, s))).map((s) => s.toLowerCase()));
    const goneClusters = known.clusterIds.filter((c) => gone.has((subscriptionOfCluster(c) ?? '').toLowerCase()));
    return { run: listed.flatMap(subscriptionUnits), retire: [...[...gone].flatMap((s) => subscriptionUnits(original(known.subscriptionIds, s))), ...unique(goneClusters).map(clusterUnit)] };
  }
  if (result.unit.source === 'aks-clusters' && scope.kind === 'subscription') {
    const inSubscription = unique(known.clusterIds.filter((c) => sameId(subscriptionOfCluster(c) ?? '', scope.subscriptionId)));
    if (snapshot?.source !== 'aks-clusters') return { run: inSubscription.map(clusterUnit), retire: [] };
    const listed = unique(snapshot.data.clusters.map((c) => c.id));
    return { run: listed.map(clusterUnit), retire: inSubscription.filter((c) => !listed.some((l) => sameId(l, c))).map(clusterUnit) };
  }
  return NONE;
}

/**
 * The clusters whose compiled generation a unit's data feeds: a tenant unit feeds every cluster, a
 * subscription unit the clusters of that subscription, a cluster unit its own cluster.
 */
export function affectedClusters(unit: UnitKey, known: KnownScopes): string[] {
  const scope = unitScope(unit);
  switch (scope.kind) {
    case 'tenant':
      return unique(known.clusterIds);
    case 'subscription':
      return unique(known.clusterIds.filter((c) => sameId(subscriptionOfCluster(c) ?? '', scope.subscriptionId)));
    case 'cluster':
      return [scope.clusterId];
  }
}

/** ARM ids and GUIDs compare case-insensitively; the first spelling seen is kept. */
function unique(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  return [...seen.values()];
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function original(ids: readonly string[], lower: string): string {
  return ids.find((i) => i.toLowerCase() === lower) ?? lower;
}
