/**
 * A small tenant held in memory and a CollectUnit over it, for sync unit tests: two subscriptions, three
 * clusters, a directory and some RBAC. Tests mutate it between runs and make units fail on demand.
 */
import { CollectorError, type CollectorFailureKind } from '../../src/collectors/CollectorError.ts';
import type { AksCluster } from '../../src/model/aksCluster.ts';
import type { RoleAssignment, RoleDefinition, ScopeParent } from '../../src/model/azureRbac.ts';
import type { EntraDirectory } from '../../src/model/entra.ts';
import type { RbacObjects } from '../../src/model/k8sRbac.ts';
import type { UnitKey, UnitSnapshot } from '../../src/store/IndexStore.ts';
import type { CollectUnit } from '../../src/sync/unitCollectors.ts';
import { unitLabel, unitScope } from '../../src/sync/units.ts';
import { assignment, cluster, clusterId, clusterRole, clusterRoleBinding, exampleRoleDefinitions, group, mg, rbacObjects, ROLE, rule, user, userSubject } from './azureFixtures.ts';

export const SUB_A = '11111111-1111-1111-1111-111111111111';
export const SUB_B = '22222222-2222-2222-2222-222222222222';
export const CLUSTER_A1 = clusterId('aks-a1', 'rg-aks', `/subscriptions/${SUB_A}`);
export const CLUSTER_A2 = clusterId('aks-a2', 'rg-aks', `/subscriptions/${SUB_A}`);
export const CLUSTER_B1 = clusterId('aks-b1', 'rg-aks', `/subscriptions/${SUB_B}`);

export interface FakeTenant {
  subscriptions: string[];
  roleDefinitions: RoleDefinition[];
  hierarchy: ScopeParent[];
  /** Role assignments by subscription id. */
  assignments: Map<string, RoleAssignment[]>;
  clusters: AksCluster[];
  kubernetes: Map<string, RbacObjects>;
  entra: EntraDirectory;
}

export function fakeTenant(): FakeTenant {
  const clusters = [CLUSTER_A1, CLUSTER_A2, CLUSTER_B1].map((id) => {
    const name = id.split('/').at(-1) ?? id;
    const sub = id.split('/')[2] ?? '';
    return cluster(name, { id, subscriptionId: sub });
  });
  return {
    subscriptions: [SUB_A, SUB_B],
    roleDefinitions: exampleRoleDefinitions(),
    hierarchy: [
      { id: `/subscriptions/${SUB_A}`, parentId: mg('root') },
      { id: `/subscriptions/${SUB_B}`, parentId: mg('root') },
    ],
    assignments: new Map([
      [SUB_A, [assignment('u-alice', ROLE.rbacReader, `/subscriptions/${SUB_A}`)]],
      [SUB_B, [assignment('g-ops', ROLE.rbacWriter, `/subscriptions/${SUB_B}`, { principalType: 'Group' })]],
    ]),
    clusters,
    kubernetes: new Map(clusters.map((c) => [c.id, rbacObjects(clusterRole('viewer', [rule(['get'], [''], ['pods'])]), clusterRoleBinding('viewers', 'viewer', [userSubject('alice@contoso.com')]))])),
    entra: { users: [user('u-alice', 'alice@contoso.com'), user('u-bob', 'bob@contoso.com')], groups: [group('g-ops', ['u-bob'])], servicePrincipals: [] },
  };
}

export interface FakeCollect {
  readonly collect: CollectUnit;
  /** Unit labels (`k8s-rbac cluster:…`) in the order they were collected. */
  readonly calls: string[];
  /** Makes a unit fail (until cleared) with a CollectorError of this kind. */
  fail(unit: UnitKey, kind: CollectorFailureKind, options?: { permission?: string }): void;
  /** Makes a unit throw something that is not a CollectorError (a bug). */
  crash(unit: UnitKey): void;
  clear(): void;
  /** Most units collected at once. */
  readonly maxInFlight: () => number;
}

export function fakeCollect(tenant: FakeTenant, options: { delayMs?: number } = {}): FakeCollect {
  const failures = new Map<string, { kind: CollectorFailureKind; permission?: string } | 'crash'>();
  const calls: string[] = [];
  let inFlight = 0;
  let max = 0;
  const collect: CollectUnit = async (unit): Promise<UnitSnapshot> => {
    const label = unitLabel(unit);
    calls.push(label);
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      const failure = failures.get(label);
      if (failure === 'crash') throw new TypeError(`${label}: a bug`);
      if (failure !== undefined) throw new CollectorError(failure.kind, label, `injected ${failure.kind}`, failure.permission === undefined ? {} : { permission: failure.permission });
      const scope = unitScope(unit);
      switch (unit.source) {
        case 'azure-rbac':
          if (scope.kind === 'tenant') {
            return {
              source: 'azure-rbac',
              data: { azure: { roleDefinitions: tenant.roleDefinitions, roleAssignments: [], denyAssignments: [], hierarchy: tenant.hierarchy }, subscriptions: tenant.subscriptions.map((subscriptionId) => ({ subscriptionId })) },
            };
          }
          if (scope.kind !== 'subscription') throw new Error('unreachable');
          return { source: 'azure-rbac', data: { azure: { roleDefinitions: [], roleAssignments: tenant.assignments.get(scope.subscriptionId) ?? [], denyAssignments: [], hierarchy: [] }, subscriptions: [] } };
        case 'aks-clusters': {
          if (scope.kind !== 'subscription') throw new Error('unreachable');
          const clusters = tenant.clusters.filter((c) => c.subscriptionId === scope.subscriptionId);
          return { source: 'aks-clusters', data: { clusters, networks: [], subnets: [], missingSubnetIds: [], registries: [] } };
        }
        case 'entra':
          return { source: 'entra', data: tenant.entra };
        case 'k8s-rbac': {
          if (scope.kind !== 'cluster') throw new Error('unreachable');
          const objects = tenant.kubernetes.get(scope.clusterId);
          if (objects === undefined) throw new CollectorError('transient', label, 'no such cluster');
          return { source: 'k8s-rbac', data: { ...objects, namespaces: [], serviceAccounts: [], pods: [], warnings: [] } };
        }
      }
    } finally {
      inFlight--;
    }
  };
  return {
    collect,
    calls,
    fail: (unit, kind, o = {}) => failures.set(unitLabel(unit), { kind, ...o }),
    crash: (unit) => failures.set(unitLabel(unit), 'crash'),
    clear: () => {
      failures.clear();
    },
    maxInFlight: () => max,
  };
}

/** A clock that moves one second per reading, and ids 0001, 0002, …: every id and time in a run is predictable. */
export function fakeClock(start = '2025-06-01T08:00:00.000Z'): { now: () => number; newId: () => string } {
  let t = Date.parse(start);
  let n = 0;
  return { now: () => (t += 1000), newId: () => String(++n).padStart(4, '0') };
}
