import { describe, expect, it } from 'vitest';
import type { AccessPath } from './accessPath.ts';
import { pathSet } from './pathSet.ts';

const rule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [] };
const rbac = (over: Partial<Extract<AccessPath, { kind: 'rbac' }>> = {}): AccessPath => ({
  plane: 'kubernetes',
  kind: 'rbac',
  cluster: 'aks-1',
  binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'readers' },
  role: { kind: 'Role', namespace: 'team-a', name: 'reader' },
  ruleIndex: 0,
  rule,
  aggregatedFrom: [],
  namespace: 'team-a',
  ...over,
});
const data = (over: Partial<Extract<AccessPath, { kind: 'dataAction' }>> = {}): AccessPath => ({
  plane: 'azure',
  kind: 'dataAction',
  cluster: 'aks-1',
  assignmentId: '/a/1',
  roleName: 'Reader',
  roleDefinitionId: '/r/1',
  scope: '/subscriptions/s',
  dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read',
  matchedBy: 'Microsoft.ContainerService/managedClusters/*',
  principalId: 'p1',
  ...over,
});

describe('pathSet keeps what a set of path JSON kept', () => {
  // [what, first, second, second is kept]
  const cases: [string, AccessPath, AccessPath, boolean][] = [
    ['the same object again', rbac(), rbac(), false],
    ['an equal copy', data(), data(), false],
    ['another rule of the binding', rbac(), rbac({ ruleIndex: 1 }), true],
    ['the same bucket, a different rule text (JSON differs)', rbac(), rbac({ rule: { ...rule, verbs: ['list'] } }), true],
    ['the same bucket, another aggregation source', rbac(), rbac({ aggregatedFrom: ['x'] }), true],
    ['through a group', rbac(), rbac({ viaGroup: { groupId: 'g', chain: ['g'] } }), true],
    ['the same group, another chain', rbac({ viaGroup: { groupId: 'g', chain: ['g'] } }), rbac({ viaGroup: { groupId: 'g', chain: ['h', 'g'] } }), true],
    ['another assignment', data(), data({ assignmentId: '/a/2' }), true],
    ['the same assignment, another condition', data(), data({ condition: 'x' }), true],
    ['the same assignment and action, another role name', data(), data({ roleName: 'Other' }), true],
    ['another kind', { plane: 'kubernetes', kind: 'systemMasters', cluster: 'aks-1' }, { plane: 'azure', kind: 'discovery', cluster: 'aks-1' }, true],
    ['system:masters twice', { plane: 'kubernetes', kind: 'systemMasters', cluster: 'aks-1' }, { plane: 'kubernetes', kind: 'systemMasters', cluster: 'aks-1' }, false],
    ['system:masters on another cluster', { plane: 'kubernetes', kind: 'systemMasters', cluster: 'aks-1' }, { plane: 'kubernetes', kind: 'systemMasters', cluster: 'aks-2' }, true],
  ];
  it.each(cases)('%s', (_what, first, second, kept) => {
    const set = pathSet();
    expect(set.add(first)).toBe(true);
    expect(set.add(second)).toBe(kept);
    expect(new Set([JSON.stringify(first), JSON.stringify(second)]).size === 2).toBe(kept);
    // Whatever was added is in: adding either again adds nothing.
    expect(set.add(first)).toBe(false);
    expect(set.add(second)).toBe(false);
  });
});
