import { describe, expect, it } from 'vitest';
import { clusterId, clusterRoleBinding, group, SUB_ID, user, userSubject } from '../../test/helpers/azureFixtures.ts';
import { clusterPartition, snapshotDocuments, tenantPartition } from './snapshotDocuments.ts';

const AKS = clusterId('aks-prod');

describe('snapshot documents', () => {
  it('gives every document a Cosmos-safe, deterministic id, its unit and run, and its partition', () => {
    const docs = snapshotDocuments({ source: 'aks-clusters', scope: `sub:${SUB_ID.toUpperCase()}` }, 'run-1', {
      source: 'aks-clusters',
      data: { clusters: [], networks: [], subnets: [{ id: `${AKS}/x?y#z\\w` }], missingSubnetIds: ['/a/b'], registries: [] },
    });
    expect(docs.map((d) => d.body.type)).toEqual(['subnet', 'missingSubnet', 'snapshot']);
    for (const d of docs) {
      expect(d.body.id).not.toMatch(/[/\\?#]/);
      expect(d).toMatchObject({ container: 'tenant', partitionKey: `sub:${SUB_ID}`, body: { pk: `sub:${SUB_ID}`, unit: `aks-clusters|sub:${SUB_ID}`, runId: 'run-1' } });
    }
    const again = snapshotDocuments({ source: 'aks-clusters', scope: `sub:${SUB_ID}` }, 'run-2', {
      source: 'aks-clusters',
      data: { clusters: [], networks: [], subnets: [{ id: `${AKS}/X?Y#Z\\W` }], missingSubnetIds: ['/A/B'], registries: [] },
    });
    expect(again.map((d) => d.body.id)).toEqual(docs.map((d) => d.body.id));
  });

  it('stores each federated credential of an aks-clusters snapshot as its own document, keyed by its id; older snapshots without them write none', () => {
    const mi = `/subscriptions/${SUB_ID}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-api`;
    const credential = { id: `${mi}/federatedIdentityCredentials/aks`, identityId: mi, clientId: 'c', principalId: 'p', name: 'aks', issuer: 'https://westeurope.oic.prod-aks.azure.com/t/i/', subject: 'system:serviceaccount:a:b' };
    const docs = snapshotDocuments({ source: 'aks-clusters', scope: `sub:${SUB_ID}` }, 'run-1', {
      source: 'aks-clusters',
      data: { clusters: [], networks: [], subnets: [], missingSubnetIds: [], registries: [], federatedCredentials: [credential] },
    });
    expect(docs.map((d) => d.body.type)).toEqual(['federatedCredential', 'snapshot']);
    expect(docs[0]?.body.data).toEqual(credential);
    expect(docs[1]?.body.data).toEqual({});
    const before = snapshotDocuments({ source: 'aks-clusters', scope: `sub:${SUB_ID}` }, 'run-1', { source: 'aks-clusters', data: { clusters: [], networks: [], subnets: [{ id: 's' }], missingSubnetIds: [], registries: [] } });
    expect(before.map((d) => d.body.type)).toEqual(['subnet', 'snapshot']);
  });

  it('keeps two objects with one key (nameless bindings) as two documents', () => {
    const binding = clusterRoleBinding('', 'view', [userSubject('a')]);
    const docs = snapshotDocuments({ source: 'k8s-rbac', scope: `cluster:${AKS}` }, 'run-1', {
      source: 'k8s-rbac',
      data: { roles: [], bindings: [binding, binding], namespaces: [], serviceAccounts: [], pods: [], warnings: [] },
    });
    const ids = docs.filter((d) => d.body.type === 'k8sBinding').map((d) => d.body.id);
    expect(new Set(ids).size).toBe(2);
    expect(docs.every((d) => d.partitionKey === AKS.toLowerCase() && d.body.clusterId === AKS.toLowerCase())).toBe(true);
  });

  it('puts principals in their own partition and members in bounded documents per group', () => {
    const members = Array.from({ length: 25 }, (_, i) => `m-${i}`);
    const docs = snapshotDocuments({ source: 'entra', scope: 'tenant' }, 'run-1', { source: 'entra', data: { users: [user('U-1', 'u@c')], groups: [group('G-1', members)], servicePrincipals: [] } }, { membersPerDocument: 10 });
    const principal = docs.find((d) => d.body.type === 'user');
    expect(principal).toMatchObject({ container: 'principals', partitionKey: 'u-1', body: { id: 'u-1' } });
    const groupDoc = docs.find((d) => d.body.type === 'group');
    expect(groupDoc?.body.data).toEqual({ kind: 'group', id: 'G-1' });
    const memberships = docs.filter((d) => d.container === 'memberships');
    expect(memberships.map((m) => (m.body.memberIds as string[]).length)).toEqual([10, 10, 5]);
    expect(memberships.every((m) => m.partitionKey === 'g-1' && m.body.groupId === 'g-1')).toBe(true);
  });

  it('writes nothing for a snapshot with nothing in it (so writing it removes the unit’s documents)', () => {
    expect(snapshotDocuments({ source: 'azure-rbac', scope: 'tenant' }, 'r', { source: 'azure-rbac', data: { azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] }, subscriptions: [] } })).toEqual([]);
    expect(snapshotDocuments({ source: 'entra', scope: 'tenant' }, 'r', { source: 'entra', data: { users: [], groups: [], servicePrincipals: [] } })).toEqual([]);
    const warned = snapshotDocuments({ source: 'k8s-rbac', scope: `cluster:${AKS}` }, 'r', { source: 'k8s-rbac', data: { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [], warnings: ['w'] } });
    expect(warned.map((d) => d.body.type)).toEqual(['snapshot']);
  });

  it('refuses a snapshot of another source or a scope with no partition', () => {
    expect(() => snapshotDocuments({ source: 'entra', scope: 'tenant' }, 'r', { source: 'k8s-rbac', data: { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [], warnings: [] } })).toThrow(/k8s-rbac snapshot/);
    expect(() => tenantPartition('cluster:x')).toThrow(/neither/);
    expect(() => clusterPartition('sub:x')).toThrow(/cluster:/);
  });
});
