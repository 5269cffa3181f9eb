import { describe, expect, it } from 'vitest';
import type { UnitStatus } from '../store/IndexStore.ts';
import { CLUSTER_A1, CLUSTER_A2, CLUSTER_B1, SUB_A, SUB_B } from '../../test/helpers/fakeTenant.ts';
import { cluster } from '../../test/helpers/azureFixtures.ts';
import { affectedClusters, knownScopes, nextStage, planRun } from './planRun.ts';
import { RETIRED_MESSAGE } from './runUnit.ts';
import { AZURE_RBAC_TENANT, ENTRA_TENANT, clusterUnit, subscriptionUnits, unitScope } from './units.ts';

const known = { subscriptionIds: [SUB_A, SUB_B], clusterIds: [CLUSTER_A1, CLUSTER_A2, CLUSTER_B1] };
const tenantListing = (...subscriptions: string[]) => ({
  unit: AZURE_RBAC_TENANT,
  snapshot: { source: 'azure-rbac' as const, data: { azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] }, subscriptions: subscriptions.map((subscriptionId) => ({ subscriptionId })) } },
});
const clusterListing = (subscriptionId: string, ...ids: string[]) => ({
  unit: { source: 'aks-clusters' as const, scope: `sub:${subscriptionId}` },
  snapshot: { source: 'aks-clusters' as const, data: { clusters: ids.map((id) => cluster(id.split('/').at(-1) ?? id, { id, subscriptionId })), networks: [], subnets: [], missingSubnetIds: [], registries: [] } },
});

describe('planRun', () => {
  it('with nothing known: the first stage, the tenant units', () => {
    expect(planRun()).toEqual([AZURE_RBAC_TENANT, ENTRA_TENANT]);
  });

  it('over known scopes: tenant, two units per subscription, one per cluster, each once', () => {
    const units = planRun({ subscriptionIds: [SUB_A, SUB_B, SUB_A.toUpperCase()], clusterIds: [CLUSTER_A1] });
    expect(units.map((u) => `${u.source} ${u.scope}`)).toEqual([
      'azure-rbac tenant',
      'entra tenant',
      `azure-rbac sub:${SUB_A}`,
      `aks-clusters sub:${SUB_A}`,
      `azure-rbac sub:${SUB_B}`,
      `aks-clusters sub:${SUB_B}`,
      `k8s-rbac cluster:${CLUSTER_A1}`,
    ]);
  });
});

describe('nextStage', () => {
  it('a complete subscription listing plans each listed subscription and retires the known ones it no longer lists, with their clusters', () => {
    const next = nextStage(tenantListing(SUB_A), known);
    expect(next.run).toEqual(subscriptionUnits(SUB_A));
    expect(next.retire).toEqual([...subscriptionUnits(SUB_B), clusterUnit(CLUSTER_B1)]);
  });

  it('a failed tenant unit falls back to the known subscriptions and retires nothing', () => {
    expect(nextStage({ unit: AZURE_RBAC_TENANT }, known)).toEqual({ run: [...subscriptionUnits(SUB_A), ...subscriptionUnits(SUB_B)], retire: [] });
  });

  it('a complete cluster listing plans its clusters and retires the subscription’s known clusters it no longer has', () => {
    const next = nextStage(clusterListing(SUB_A, CLUSTER_A1), known);
    expect(next).toEqual({ run: [clusterUnit(CLUSTER_A1)], retire: [clusterUnit(CLUSTER_A2)] });
  });

  it('a failed cluster listing falls back to that subscription’s known clusters only', () => {
    expect(nextStage({ unit: { source: 'aks-clusters', scope: `sub:${SUB_A}` } }, known)).toEqual({ run: [clusterUnit(CLUSTER_A1), clusterUnit(CLUSTER_A2)], retire: [] });
  });

  it('ids compare case-insensitively: a listing in other case retires nothing', () => {
    expect(nextStage(tenantListing(SUB_A.toUpperCase(), SUB_B), known).retire).toEqual([]);
    expect(nextStage(clusterListing(SUB_B, CLUSTER_B1.toLowerCase()), known).retire).toEqual([]);
  });

  it('other units lead nowhere', () => {
    expect(nextStage({ unit: ENTRA_TENANT }, known)).toEqual({ run: [], retire: [] });
    expect(nextStage({ unit: clusterUnit(CLUSTER_A1) }, known)).toEqual({ run: [], retire: [] });
  });
});

describe('affectedClusters', () => {
  it('tenant units feed every cluster, a subscription unit its own clusters, a cluster unit itself', () => {
    expect(affectedClusters(ENTRA_TENANT, known)).toEqual([CLUSTER_A1, CLUSTER_A2, CLUSTER_B1]);
    expect(affectedClusters({ source: 'azure-rbac', scope: `sub:${SUB_B}` }, known)).toEqual([CLUSTER_B1]);
    expect(affectedClusters(clusterUnit(CLUSTER_A2), known)).toEqual([CLUSTER_A2]);
  });
});

describe('knownScopes', () => {
  const status = (source: UnitStatus['source'], scope: string, message?: string): UnitStatus => ({
    unit: `${source}|${scope}`,
    source,
    scope,
    runId: 'run-1',
    state: 'ok',
    lastAttempt: '2025-01-01T00:00:00.000Z',
    objects: 0,
    durationMs: 0,
    ...(message === undefined ? {} : { message }),
  });

  it('subscriptions and clusters from statuses, without the retired ones', () => {
    expect(
      knownScopes([status('azure-rbac', 'tenant'), status('azure-rbac', `sub:${SUB_A}`), status('aks-clusters', `sub:${SUB_A}`), status('aks-clusters', `sub:${SUB_B}`, RETIRED_MESSAGE), status('k8s-rbac', `cluster:${CLUSTER_A1}`), status('k8s-rbac', `cluster:${CLUSTER_A2}`, RETIRED_MESSAGE)]),
    ).toEqual({ subscriptionIds: [SUB_A], clusterIds: [CLUSTER_A1] });
  });
});

describe('unitScope', () => {
  it('parses each scope and names what is wrong', () => {
    expect(unitScope(clusterUnit(CLUSTER_B1))).toEqual({ kind: 'cluster', clusterId: CLUSTER_B1, subscriptionId: SUB_B });
    expect(() => unitScope({ source: 'azure-rbac', scope: 'subscription:1' })).toThrow(/a unit scope is tenant, sub:<subscription id> or cluster:<cluster ARM id>/);
    expect(() => unitScope({ source: 'aks-clusters', scope: 'tenant' })).toThrow(/aks-clusters is not collected at tenant scope/);
    expect(() => unitScope({ source: 'nope' as 'entra', scope: 'tenant' })).toThrow(/unknown unit source 'nope'/);
  });
});
