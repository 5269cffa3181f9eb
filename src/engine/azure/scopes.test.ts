import { describe, expect, it } from 'vitest';
import { buildScopeHierarchy, isManagementGroupScope, normalizeScope, scopeCovers, subscriptionOf } from './scopes.ts';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const OTHER_SUB = '/subscriptions/22222222-2222-2222-2222-222222222222';
const RG = `${SUB}/resourceGroups/rg-prod`;
const CLUSTER = `${SUB}/resourcegroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks1`;
const MG = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;

// root (tenant) ← platform ← prod ← SUB ; a sibling MG "sandbox" holds OTHER_SUB.
const hierarchy = buildScopeHierarchy([
  { id: MG('platform'), parentId: MG('root') },
  { id: MG('prod'), parentId: MG('platform') },
  { id: SUB, parentId: MG('prod') },
  { id: MG('sandbox'), parentId: MG('root') },
  { id: OTHER_SUB, parentId: MG('sandbox') },
]);

describe('normalizeScope', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['  /  ', '/'],
    ['//', '/'],
    [`${RG}/`, RG.toLowerCase()],
    [`${RG}///`, RG.toLowerCase()],
    [' /Subscriptions/ABC ', '/subscriptions/abc'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeScope(input)).toBe(expected);
  });
});

describe('scope helpers', () => {
  it('recognises management groups and subscriptions case-insensitively', () => {
    expect(isManagementGroupScope(MG('x'))).toBe(true);
    expect(isManagementGroupScope('/PROVIDERS/microsoft.management/MANAGEMENTGROUPS/x')).toBe(true);
    expect(isManagementGroupScope(SUB)).toBe(false);
    expect(subscriptionOf(CLUSTER)).toBe('11111111-1111-1111-1111-111111111111');
    expect(subscriptionOf('/SUBSCRIPTIONS/ABC/resourceGroups/x')).toBe('abc');
    expect(subscriptionOf(MG('x'))).toBeUndefined();
    expect(subscriptionOf('/')).toBeUndefined();
  });

  it('ancestorsOf lists management groups nearest first and survives loops', () => {
    expect(hierarchy.ancestorsOf(SUB)).toEqual([MG('prod'), MG('platform'), MG('root')].map((s) => s.toLowerCase()));
    expect(hierarchy.ancestorsOf(SUB.toUpperCase())).toHaveLength(3);
    expect(hierarchy.ancestorsOf(MG('platform'))).toEqual([MG('root').toLowerCase()]);
    expect(hierarchy.ancestorsOf(MG('root'))).toEqual([]);
    const loop = buildScopeHierarchy([
      { id: MG('a'), parentId: MG('b') },
      { id: MG('b'), parentId: MG('a') },
    ]);
    expect(loop.ancestorsOf(MG('a'))).toEqual([MG('b').toLowerCase(), MG('a').toLowerCase()]);
  });
});

describe('scopeCovers', () => {
  const covers: [string, string, string][] = [
    ['same scope', CLUSTER, CLUSTER],
    ['root / covers everything', '/', CLUSTER],
    ['root / covers a management group', '/', MG('prod')],
    ['root / covers root', '/', '/'],
    ['subscription covers cluster', SUB, CLUSTER],
    ['subscription covers itself (trailing slash)', `${SUB}/`, SUB],
    ['resource group covers cluster', RG, CLUSTER],
    ['resourceGroups vs resourcegroups', `${SUB}/resourceGroups/RG-PROD`, `${SUB}/resourcegroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks1`],
    ['resourcegroups vs resourceGroups', `${SUB}/resourcegroups/rg-prod`, `${SUB}/resourceGroups/rg-prod/providers/microsoft.containerservice/MANAGEDCLUSTERS/aks1`],
    ['cluster covers a namespace', CLUSTER, `${CLUSTER}/namespaces/payments`],
    ['resource group covers a namespace', RG, `${CLUSTER}/namespaces/payments`],
    ['namespace covers itself (case-insensitive)', `${CLUSTER}/namespaces/Payments`, `${CLUSTER}/namespaces/payments`],
    ['direct management group covers subscription', MG('prod'), SUB],
    ['management group covers a cluster below', MG('prod'), CLUSTER],
    ['grandparent management group covers a namespace below', MG('platform'), `${CLUSTER}/namespaces/payments`],
    ['tenant root management group covers all', MG('root'), `${OTHER_SUB}/resourceGroups/x`],
    ['management group covers a child management group', MG('platform'), MG('prod')],
    ['management group id case-insensitive', '/providers/microsoft.management/managementgroups/PROD', CLUSTER],
  ];
  it.each(covers)('%s', (_label, assignment, target) => {
    expect(scopeCovers(assignment, target, hierarchy)).toBe(true);
  });

  const notCovers: [string, string, string][] = [
    ['rg prefix does not cover rg-prod2', RG, `${SUB}/resourceGroups/rg-prod2/providers/Microsoft.ContainerService/managedClusters/aks1`],
    ['rg prefix does not cover rg-prod2 itself', RG, `${SUB}/resourceGroups/rg-prod2`],
    ['subscription prefix of another id', '/subscriptions/1111', CLUSTER],
    ['cluster does not cover a cluster with a longer name', CLUSTER, `${CLUSTER}2`],
    ['cluster does not cover its resource group', CLUSTER, RG],
    ['namespace does not cover the cluster', `${CLUSTER}/namespaces/payments`, CLUSTER],
    ['namespace does not cover another namespace', `${CLUSTER}/namespaces/payments`, `${CLUSTER}/namespaces/frontend`],
    ['namespace does not cover a prefixed namespace', `${CLUSTER}/namespaces/pay`, `${CLUSTER}/namespaces/payments`],
    ['other subscription', OTHER_SUB, CLUSTER],
    ['sibling management group', MG('sandbox'), CLUSTER],
    ['child management group does not cover parent', MG('prod'), MG('platform')],
    ['management group not in the hierarchy', MG('unknown'), CLUSTER],
    ['subscription does not cover the root', SUB, '/'],
  ];
  it.each(notCovers)('%s', (_label, assignment, target) => {
    expect(scopeCovers(assignment, target, hierarchy)).toBe(false);
  });

  it('without hierarchy data a management group covers only itself', () => {
    const empty = buildScopeHierarchy([]);
    expect(scopeCovers(MG('prod'), CLUSTER, empty)).toBe(false);
    expect(scopeCovers(MG('prod'), MG('prod'), empty)).toBe(true);
    expect(scopeCovers('/', CLUSTER, empty)).toBe(true);
  });
});
