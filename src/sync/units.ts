import type { UnitKey, UnitSource } from '../store/IndexStore.ts';

/*
 * The units of a sync run and how they are named. A unit is one source × one scope; its scope says which
 * partition of the tenant it covers: `tenant`, `sub:<subscriptionId>`, `cluster:<cluster ARM id>`.
 */

export const AZURE_RBAC_TENANT: UnitKey = { source: 'azure-rbac', scope: 'tenant' };
export const ENTRA_TENANT: UnitKey = { source: 'entra', scope: 'tenant' };

const MANAGED_CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/i;
const SUBSCRIPTION_ID = /^[^/\s:]+$/;

export type UnitScope =
  | { readonly kind: 'tenant' }
  | { readonly kind: 'subscription'; readonly subscriptionId: string }
  | { readonly kind: 'cluster'; readonly clusterId: string; readonly subscriptionId: string };

/** Which scope kind each source is collected at. */
const SCOPE_KIND: Readonly<Record<UnitSource, readonly UnitScope['kind'][]>> = {
  'azure-rbac': ['tenant', 'subscription'],
  entra: ['tenant'],
  'aks-clusters': ['subscription'],
  'k8s-rbac': ['cluster'],
};

export function subscriptionUnits(subscriptionId: string): UnitKey[] {
  const scope = `sub:${subscriptionId}`;
  return [
    { source: 'azure-rbac', scope },
    { source: 'aks-clusters', scope },
  ];
}

export function clusterUnit(clusterId: string): UnitKey {
  return { source: 'k8s-rbac', scope: `cluster:${clusterId}` };
}

/** A unit key that did not come from planRun (a queue message, a status document) is checked before use. */
export class UnitKeyError extends Error {
  override readonly name = 'UnitKeyError';
}

/** The scope a unit covers, parsed and checked against its source; throws UnitKeyError naming what is wrong. */
export function unitScope(unit: UnitKey): UnitScope {
  const scope = parseScope(unit.scope);
  const allowed = SCOPE_KIND[unit.source] as readonly string[] | undefined;
  if (allowed === undefined) throw new UnitKeyError(`unknown unit source '${unit.source as string}' (expected one of ${Object.keys(SCOPE_KIND).join(', ')})`);
  if (!allowed.includes(scope.kind)) throw new UnitKeyError(`${unit.source} is not collected at ${scope.kind} scope (unit scope '${unit.scope}')`);
  return scope;
}

function parseScope(scope: string): UnitScope {
  if (scope === 'tenant') return { kind: 'tenant' };
  if (scope.startsWith('sub:')) {
    const subscriptionId = scope.slice('sub:'.length);
    if (!SUBSCRIPTION_ID.test(subscriptionId)) throw new UnitKeyError(`'${scope}': a subscription scope is sub:<subscription id>`);
    return { kind: 'subscription', subscriptionId };
  }
  if (scope.startsWith('cluster:')) {
    const clusterId = scope.slice('cluster:'.length);
    const match = MANAGED_CLUSTER_ID.exec(clusterId);
    if (match?.[1] === undefined) throw new UnitKeyError(`'${scope}': a cluster scope is cluster:<managedClusters ARM id>`);
    return { kind: 'cluster', clusterId, subscriptionId: match[1] };
  }
  throw new UnitKeyError(`'${scope}': a unit scope is tenant, sub:<subscription id> or cluster:<cluster ARM id>`);
}

/** The subscription a managed cluster's ARM id lives in; undefined for anything else. */
export function subscriptionOfCluster(clusterId: string): string | undefined {
  return MANAGED_CLUSTER_ID.exec(clusterId)?.[1];
}

/** `azure-rbac sub:1111…`: how the collectors name a unit in their errors, and how logs and summaries name it. */
export function unitLabel(unit: UnitKey): string {
  return `${unit.source} ${unit.scope}`;
}
