import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureRbacCollection } from '../collectors/azure-rbac/transform.ts';
import type { AksClustersCollection } from '../collectors/aks-clusters/transform.ts';
import type { K8sCollection } from '../collectors/k8s-rbac/transform.ts';
import type { EntraDirectory } from '../model/entra.ts';
import { assignment, cluster, clusterId, clusterRole, clusterRoleBinding, customRole, deny, group, mg, nsRole, servicePrincipal, SUB, SUB_ID, user, userSubject } from '../../test/helpers/azureFixtures.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer, type TestIndexStore } from '../../test/helpers/cosmosServer.ts';
import { readFile } from 'node:fs/promises';
import { CONTAINER_LIST, CONTAINERS } from './containers.ts';
import { ensureContainers } from './ensureContainers.ts';
import type { ClusterGeneration, UnitKey, UnitStatus } from './IndexStore.ts';
import type { AccessDigest } from '../engine/changes/accessDigest.ts';

const OTHER_SUB_ID = '22222222-2222-2222-2222-222222222222';
const AKS = clusterId('aks-prod');
const READER = '00000000-0000-0000-0000-0000000000a1';

const TENANT_UNIT: UnitKey = { source: 'azure-rbac', scope: 'tenant' };
const SUB_UNIT: UnitKey = { source: 'azure-rbac', scope: `sub:${SUB_ID}` };
const OTHER_SUB_UNIT: UnitKey = { source: 'azure-rbac', scope: `sub:${OTHER_SUB_ID}` };
const AKS_UNIT: UnitKey = { source: 'aks-clusters', scope: `sub:${SUB_ID}` };
const ENTRA_UNIT: UnitKey = { source: 'entra', scope: 'tenant' };
const K8S_UNIT: UnitKey = { source: 'k8s-rbac', scope: `cluster:${AKS}` };

const tenantRbac: AzureRbacCollection = {
  azure: {
    roleDefinitions: [customRole('0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8', 'AKS Cluster User', [])],
    roleAssignments: [],
    denyAssignments: [],
    hierarchy: [
      { id: mg('contoso'), parentId: mg('root'), displayName: 'Contoso' },
      { id: SUB, parentId: mg('contoso') },
    ],
  },
  subscriptions: [{ subscriptionId: SUB_ID, displayName: 'prod', state: 'Enabled' }, { subscriptionId: OTHER_SUB_ID }],
};

const subRbac = (assignees: readonly string[]): AzureRbacCollection => ({
  azure: {
    roleDefinitions: [customRole('99999999-9999-9999-9999-999999999999', 'Custom Reader', [])],
    roleAssignments: assignees.map((p, i) => assignment(p, '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8', i % 2 === 0 ? SUB : AKS, { id: `${SUB}/providers/Microsoft.Authorization/roleAssignments/ra-${p}` })),
    denyAssignments: [deny('d1', SUB, ['Microsoft.ContainerService/managedClusters/*'], [READER])],
    hierarchy: [],
  },
  subscriptions: [],
});

const aksClusters: AksClustersCollection = {
  clusters: [cluster('aks-prod'), cluster('aks-ops', { localAccountsEnabled: true })],
  networks: [{ clusterId: AKS, subnetIds: [], privateCluster: false }],
  subnets: [{ id: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, addressPrefix: '10.0.0.0/24' }],
  missingSubnetIds: [],
  registries: [{ id: `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr`, name: 'acr', loginServer: 'acr.azurecr.io' }],
};

const entra = (members: readonly string[]): EntraDirectory => ({
  users: [user(READER, 'reader@contoso.com', 'Reader'), user('00000000-0000-0000-0000-0000000000a2', 'b@contoso.com')],
  groups: [group('00000000-0000-0000-0000-0000000000b1', [...members], 'Admins'), group('00000000-0000-0000-0000-0000000000b2', [])],
  servicePrincipals: [servicePrincipal('00000000-0000-0000-0000-0000000000c1', 'ManagedIdentity', 'kubelet')],
});

const k8s = (bindingNames: readonly string[]): K8sCollection => ({
  roles: [clusterRole('view', []), nsRole('apps', 'deployer', [])],
  bindings: bindingNames.map((n) => clusterRoleBinding(n, 'view', [userSubject('reader@contoso.com')])),
  namespaces: [{ name: 'apps', labels: { team: 'a' } }],
  serviceAccounts: [{ namespace: 'apps', name: 'api', annotations: { 'azure.workload.identity/client-id': 'abc' } }],
  pods: [{ namespace: 'apps', name: 'api-1', serviceAccountName: 'api', images: ['acr.azurecr.io/api:1'], labels: {} }],
  warnings: ['binding without a name'],
});

let server: CosmosTestServer;

beforeAll(async () => {
  server = await startCosmosServer();
});

afterAll(async () => {
  await server.close();
});

async function fresh(options: Parameters<typeof createTestIndexStore>[1] = {}): Promise<TestIndexStore> {
  return createTestIndexStore(server, options);
}

/** Every document of a container, without what Cosmos adds, sorted by id. */
async function documents(t: TestIndexStore, container: keyof typeof CONTAINERS): Promise<Record<string, unknown>[]> {
  const { resources } = await t.client.database(t.databaseId).container(CONTAINERS[container].id).items.readAll<Record<string, unknown>>().fetchAll();
  return resources
    .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

describe('unit snapshots', () => {
  it('round-trips every source through readTenantInput', async () => {
    const t = await fresh();
    await t.store.writeUnitSnapshot(TENANT_UNIT, 'run-1', { source: 'azure-rbac', data: tenantRbac });
    await t.store.writeUnitSnapshot(SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac([READER, '00000000-0000-0000-0000-0000000000a2']) });
    await t.store.writeUnitSnapshot(AKS_UNIT, 'run-1', { source: 'aks-clusters', data: aksClusters });
    await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', { source: 'entra', data: entra([READER, '00000000-0000-0000-0000-0000000000b2']) });
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers', 'ops']) });

    const input = await t.store.readTenantInput();
    expect(input.clusters).toEqual(aksClusters.clusters);
    expect(input.azure.roleDefinitions).toEqual(expect.arrayContaining([...tenantRbac.azure.roleDefinitions, ...subRbac([]).azure.roleDefinitions]));
    expect(input.azure.roleDefinitions).toHaveLength(2);
    expect(input.azure.roleAssignments).toEqual(subRbac([READER, '00000000-0000-0000-0000-0000000000a2']).azure.roleAssignments);
    expect(input.azure.denyAssignments).toEqual(subRbac([]).azure.denyAssignments);
    expect(input.azure.hierarchy).toEqual(tenantRbac.azure.hierarchy);
    expect(input.entra).toEqual(entra([READER, '00000000-0000-0000-0000-0000000000b2']));
    expect([...input.kubernetes.keys()]).toEqual([AKS.toLowerCase()]);
    expect(input.kubernetes.get(AKS.toLowerCase())).toEqual(k8s(['readers', 'ops']));
  });

  it('reads one cluster’s input: the whole tenant’s Azure and Entra data, that cluster’s Kubernetes objects only, from its partition', async () => {
    const t = await fresh();
    const other: UnitKey = { source: 'k8s-rbac', scope: `cluster:${clusterId('aks-dev', 'rg-dev')}` };
    await t.store.writeUnitSnapshot(TENANT_UNIT, 'run-1', { source: 'azure-rbac', data: tenantRbac });
    await t.store.writeUnitSnapshot(SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac([READER]) });
    await t.store.writeUnitSnapshot(AKS_UNIT, 'run-1', { source: 'aks-clusters', data: aksClusters });
    await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', { source: 'entra', data: entra([READER]) });
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers']) });
    await t.store.writeUnitSnapshot(other, 'run-1', { source: 'k8s-rbac', data: k8s(['dev-readers']) });
    const from = server.requests.length;
    const one = await t.store.readTenantInputFor([AKS.toUpperCase()]);
    const clusterQueries = server.requests.slice(from).filter((r) => r.url.includes('/colls/clusters/') && r.headers['x-ms-documentdb-isquery'] !== undefined);
    expect(clusterQueries.map((r) => r.headers['x-ms-documentdb-partitionkey'])).toEqual([JSON.stringify([AKS.toLowerCase()])]);
    const all = await t.store.readTenantInput();
    expect([...all.kubernetes.keys()].sort()).toEqual([AKS.toLowerCase(), clusterId('aks-dev', 'rg-dev').toLowerCase()].sort());
    expect([...one.kubernetes.entries()]).toEqual([[AKS.toLowerCase(), k8s(['readers'])]]);
    expect({ ...one, kubernetes: undefined }).toEqual({ ...all, kubernetes: undefined });
    expect((await t.store.readTenantInputFor([])).kubernetes.size).toBe(0);
  });

  it('stamps every document with its unit and run, and partitions by scope', async () => {
    const t = await fresh();
    await t.store.writeUnitSnapshot(SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac([READER]) });
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers']) });
    const tenant = await documents(t, 'tenant');
    expect(tenant.length).toBeGreaterThan(0);
    for (const d of tenant) expect(d).toMatchObject({ unit: `azure-rbac|sub:${SUB_ID}`, runId: 'run-1', pk: `sub:${SUB_ID}` });
    const clusters = await documents(t, 'clusters');
    for (const d of clusters) expect(d).toMatchObject({ unit: `k8s-rbac|cluster:${AKS.toLowerCase()}`, runId: 'run-1', clusterId: AKS.toLowerCase() });
    for (const d of [...tenant, ...clusters]) expect(String(d.id)).not.toMatch(/[/\\?#]/);
  });

  it('after a complete write deletes only that unit’s documents from older runs', async () => {
    const t = await fresh();
    await t.store.writeUnitSnapshot(SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac([READER, 'p2', 'p3']) });
    await t.store.writeUnitSnapshot(OTHER_SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac(['p9']) });
    await t.store.writeUnitSnapshot(AKS_UNIT, 'run-1', { source: 'aks-clusters', data: aksClusters });

    const result = await t.store.writeUnitSnapshot(SUB_UNIT, 'run-2', { source: 'azure-rbac', data: subRbac([READER]) });
    expect(result.deleted).toBe(2);
    const input = await t.store.readTenantInput();
    expect(input.azure.roleAssignments.map((a) => a.principalId).sort()).toEqual([READER, 'p9']);
    // The other subscription's unit and the same subscription's other source are untouched.
    expect(input.clusters).toHaveLength(2);
    const other = (await documents(t, 'tenant')).filter((d) => d.pk === `sub:${OTHER_SUB_ID}`);
    expect(other.every((d) => d.runId === 'run-1')).toBe(true);
  });

  it('a failed unit (nothing written) keeps its documents', async () => {
    const t = await fresh();
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers']) });
    await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', { source: 'entra', data: entra([READER]) });
    // run-2: the cluster unit fails (no write), Entra succeeds with a change.
    await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-2', { source: 'entra', data: entra([]) });
    const input = await t.store.readTenantInput();
    expect(input.kubernetes.get(AKS.toLowerCase())).toEqual(k8s(['readers']));
    expect(input.entra.groups.find((g) => g.displayName === 'Admins')?.memberIds).toEqual([]);
  });

  it('an empty snapshot removes the unit’s documents (a retired scope), and only that unit’s', async () => {
    const t = await fresh();
    const other: UnitKey = { source: 'k8s-rbac', scope: `cluster:${clusterId('aks-dev', 'rg-dev')}` };
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers']) });
    await t.store.writeUnitSnapshot(other, 'run-1', { source: 'k8s-rbac', data: k8s(['readers']) });
    const empty: K8sCollection = { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [], warnings: [] };
    const retired = await t.store.writeUnitSnapshot(K8S_UNIT, 'run-2', { source: 'k8s-rbac', data: empty });
    expect(retired).toEqual({ written: 0, deleted: 2 + 1 + 1 + 1 + 1 + 1 });
    const input = await t.store.readTenantInput();
    expect([...input.kubernetes.keys()]).toEqual([clusterId('aks-dev', 'rg-dev').toLowerCase()]);
    // A cluster with warnings but no objects is still known (its marker document holds them).
    await t.store.writeUnitSnapshot(K8S_UNIT, 'run-3', { source: 'k8s-rbac', data: { ...empty, warnings: ['x'] } });
    expect((await t.store.readTenantInput()).kubernetes.get(AKS.toLowerCase())).toEqual({ ...empty, warnings: ['x'] });
  });

  it('a unit’s first write in its partition makes no query; later writes look for stale documents in that partition only', async () => {
    const t = await fresh();
    const queriesDuring = async (write: () => Promise<unknown>) => {
      const from = server.requests.length;
      await write();
      return server.requests.slice(from).filter((r) => r.headers['x-ms-documentdb-isquery'] !== undefined);
    };
    const empty: K8sCollection = { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [], warnings: [] };
    expect(await queriesDuring(() => t.store.writeUnitSnapshot(K8S_UNIT, 'run-1', { source: 'k8s-rbac', data: k8s(['readers', 'ops']) }))).toEqual([]);
    expect(await queriesDuring(() => t.store.writeUnitSnapshot(SUB_UNIT, 'run-1', { source: 'azure-rbac', data: subRbac([READER]) }))).toEqual([]);
    // The marker is there, so the second write queries — in the unit's own partition — and removes what went.
    const second = await queriesDuring(async () => {
      expect(await t.store.writeUnitSnapshot(K8S_UNIT, 'run-2', { source: 'k8s-rbac', data: k8s(['readers']) })).toEqual({ written: 7, deleted: 1 });
    });
    expect(second.map((r) => r.headers['x-ms-documentdb-partitionkey'])).toEqual([JSON.stringify([AKS.toLowerCase()])]);
    // Retired: everything goes, the marker with it (last); the next write is a first write again.
    expect(await t.store.writeUnitSnapshot(K8S_UNIT, 'run-3', { source: 'k8s-rbac', data: empty })).toEqual({ written: 0, deleted: 7 });
    expect((await documents(t, 'clusters')).filter((d) => d.unit === `k8s-rbac|cluster:${AKS.toLowerCase()}`)).toEqual([]);
    expect(await queriesDuring(() => t.store.writeUnitSnapshot(K8S_UNIT, 'run-4', { source: 'k8s-rbac', data: k8s(['ops']) }))).toEqual([]);
    expect((await t.store.readTenantInput()).kubernetes.get(AKS.toLowerCase())).toEqual(k8s(['ops']));
    // Entra spans partitions and has no marker of its own partition: its stale documents are always looked for.
    expect(await queriesDuring(() => t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', { source: 'entra', data: entra([]) }))).toHaveLength(2);
  });

  it('is idempotent: the same snapshot twice leaves identical documents and deletes nothing', async () => {
    const t = await fresh();
    const snapshot = { source: 'entra', data: entra([READER, '00000000-0000-0000-0000-0000000000b2']) } as const;
    const first = await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', snapshot);
    const before = [await documents(t, 'principals'), await documents(t, 'memberships')];
    const again = await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', snapshot);
    expect(again).toEqual({ written: first.written, deleted: 0 });
    expect([await documents(t, 'principals'), await documents(t, 'memberships')]).toEqual(before);
    // A later run with the same data rewrites the same documents (new run id) and deletes nothing.
    const later = await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-2', snapshot);
    expect(later.deleted).toBe(0);
    const after = await documents(t, 'principals');
    expect(after.map((d) => d.id)).toEqual(before[0]?.map((d) => d.id));
  });
});

describe('unit status', () => {
  it('records, reads back and lists the last status of each unit', async () => {
    const t = await fresh();
    const ok: UnitStatus = { unit: 'azure-rbac|tenant', source: 'azure-rbac', scope: 'tenant', runId: 'run-1', state: 'ok', lastAttempt: '2025-01-01T00:00:00Z', lastSuccess: '2025-01-01T00:00:00Z', objects: 5, durationMs: 12 };
    const denied: UnitStatus = { unit: `azure-rbac|sub:${SUB_ID}`, source: 'azure-rbac', scope: `sub:${SUB_ID}`, runId: 'run-1', state: 'denied', lastAttempt: '2025-01-01T00:00:00Z', message: '403', permission: 'Microsoft.Authorization/roleAssignments/read', objects: 0, durationMs: 3 };
    await t.store.recordUnitStatus(ok);
    await t.store.recordUnitStatus(denied);
    await t.store.recordUnitStatus({ ...ok, runId: 'run-2', objects: 6 });
    expect(await t.store.listUnitStatus()).toEqual([denied, { ...ok, runId: 'run-2', objects: 6 }]);
    expect(await t.store.readUnitStatus(SUB_UNIT)).toEqual(denied);
    expect(await t.store.readUnitStatus(K8S_UNIT)).toBeUndefined();
  });
});

describe('cluster generations', () => {
  const generation = (id: string, bindings: readonly string[]): ClusterGeneration => ({
    clusterId: AKS,
    generation: id,
    compiledAt: `2025-01-01T00:00:0${id.slice(-1)}Z`,
    input: {
      clusters: [cluster('aks-prod')],
      kubernetes: new Map([[AKS.toLowerCase(), k8s(bindings)]]),
      azure: subRbac([READER]).azure,
      entra: entra([READER]),
    },
  });

  it('reads back exactly the generation the pointer names (Map included)', async () => {
    const t = await fresh();
    expect(await t.store.readCurrentGeneration(AKS)).toBeUndefined();
    const g1 = generation('gen-1', ['a', 'b']);
    await t.store.writeGeneration(g1);
    expect(await t.store.readCurrentGeneration(AKS.toUpperCase())).toEqual(g1);
    expect(await t.store.listClusterGenerations()).toEqual([{ clusterId: AKS, name: 'aks-prod', generation: 'gen-1', compiledAt: g1.compiledAt }]);
  });

  it('a reader sees the old generation until the pointer flips, then the new one, never a mix', async () => {
    const g1 = generation('gen-1', Array.from({ length: 40 }, (_, i) => `old-${i}`));
    const g2 = generation('gen-2', Array.from({ length: 40 }, (_, i) => `new-${i}`));
    const seen: string[] = [];
    const holder: { t?: TestIndexStore } = {};
    const t = await fresh({
      maxChunkBytes: 2_000,
      concurrency: 1,
      onGenerationChunkWritten: async (event) => {
        if (event.generation !== 'gen-2' || holder.t === undefined) return;
        const read = await holder.t.store.readCurrentGeneration(AKS);
        expect(read).toEqual(g1);
        seen.push(`${event.index}/${event.chunks}`);
      },
    });
    holder.t = t;
    await t.store.writeGeneration(g1);
    await t.store.writeGeneration(g2);
    expect(seen.length).toBeGreaterThan(3);
    expect(await t.store.readCurrentGeneration(AKS)).toEqual(g2);
  });

  // cosmosdb-server keeps `ttl` but never expires anything: the test checks the ttl, Cosmos does the expiring.
  it('gives superseded chunks a ttl and leaves the current ones without', async () => {
    const t = await fresh({ maxChunkBytes: 2_000, supersededTtlSeconds: 120 });
    await t.store.writeGeneration(generation('gen-1', ['a']));
    await t.store.writeGeneration(generation('gen-2', ['b']));
    const chunks = (await documents(t, 'clusters')).filter((d) => d.type === 'generationChunk');
    expect(chunks.filter((c) => c.generation === 'gen-1').every((c) => c.ttl === 120)).toBe(true);
    expect(chunks.filter((c) => c.generation === 'gen-2').every((c) => c.ttl === undefined)).toBe(true);
    expect(chunks.filter((c) => c.generation === 'gen-1').length).toBeGreaterThan(0);
  });
});

describe('cluster generations under concurrency and rewrites', () => {
  const generation = (id: string, note: string, cluster = AKS): ClusterGeneration => ({
    clusterId: cluster,
    generation: id,
    compiledAt: '2025-01-01T00:00:00Z',
    input: {
      clusters: [{ ...cluster_(cluster), name: note }],
      kubernetes: new Map([[cluster.toLowerCase(), k8s([note])]]),
      azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] },
      entra: { users: [], groups: [], servicePrincipals: [] },
    },
  });
  const cluster_ = (id: string) => cluster(id.split('/').pop() ?? id, { id });

  it('never moves the pointer back: an outrun compile is dropped and its chunks expire', async () => {
    const t = await fresh({ supersededTtlSeconds: 60 });
    await t.store.writeGeneration(generation('gen-2', 'new'));
    await t.store.writeGeneration(generation('gen-1', 'old'));
    expect((await t.store.readCurrentGeneration(AKS))?.generation).toBe('gen-2');
    const chunks = (await documents(t, 'clusters')).filter((d) => d.type === 'generationChunk');
    expect(chunks.every((c) => c.generation === 'gen-2' && c.ttl === undefined)).toBe(true);
  });

  it('a compile that loses the race to create or flip the pointer re-decides and leaves the newer one', async () => {
    for (const start of [undefined, 'gen-0']) {
      const holder: { t?: TestIndexStore; raced: boolean } = { raced: false };
      const t = await fresh({
        onGenerationChunkWritten: async (event) => {
          if (event.generation !== 'gen-1' || holder.raced || holder.t === undefined) return;
          holder.raced = true;
          await holder.t.store.writeGeneration(generation('gen-2', 'winner'));
        },
      });
      if (start !== undefined) await t.store.writeGeneration(generation(start, 'start'));
      holder.t = t;
      await t.store.writeGeneration(generation('gen-1', 'loser'));
      expect(holder.raced).toBe(true);
      const current = await t.store.readCurrentGeneration(AKS);
      expect(current?.generation).toBe('gen-2');
      expect(current?.input.clusters[0]?.name).toBe('winner');
      const live = (await documents(t, 'clusters')).filter((d) => d.type === 'generationChunk' && d.ttl === undefined);
      expect(live.map((c) => c.generation)).toEqual(['gen-2']);
    }
  });

  it('rewriting a generation: same content → identical documents; other content → new chunks, old ones expire', async () => {
    const t = await fresh();
    await t.store.writeGeneration(generation('gen-1', 'a'));
    const before = await documents(t, 'clusters');
    await t.store.writeGeneration(generation('gen-1', 'a'));
    expect(await documents(t, 'clusters')).toEqual(before);

    await t.store.writeGeneration(generation('gen-1', 'b'));
    expect((await t.store.readCurrentGeneration(AKS))?.input.clusters[0]?.name).toBe('b');
    const chunks = (await documents(t, 'clusters')).filter((d) => d.type === 'generationChunk');
    expect(chunks).toHaveLength(2);
    expect(chunks.filter((c) => c.ttl !== undefined)).toHaveLength(1);
  });

  it('says so when a chunk the pointer names is missing', async () => {
    const t = await fresh();
    await t.store.writeGeneration(generation('gen-1', 'a'));
    const chunk = (await documents(t, 'clusters')).find((d) => d.type === 'generationChunk');
    await t.client.database(t.databaseId).container(CONTAINERS.clusters.id).item(String(chunk?.id), AKS.toLowerCase()).delete();
    await expect(t.store.readCurrentGeneration(AKS)).rejects.toThrow(/generation gen-1 names 1 chunks, 0 found/);
  });

  it('lists every cluster’s current generation', async () => {
    const t = await fresh();
    const other = clusterId('aks-dev', 'rg-dev');
    await t.store.writeGeneration(generation('gen-1', 'prod'));
    await t.store.writeGeneration(generation('gen-2', 'prod'));
    await t.store.writeGeneration(generation('gen-1', 'dev', other));
    expect(await t.store.listClusterGenerations()).toEqual([
      { clusterId: AKS, name: 'prod', generation: 'gen-2', compiledAt: '2025-01-01T00:00:00Z' },
      { clusterId: other, name: 'dev', generation: 'gen-1', compiledAt: '2025-01-01T00:00:00Z' },
    ]);
  });
});

describe('access history without queries for a cluster that has none', () => {
  const digest = (tag: string): AccessDigest => ({ version: 1, clusterId: AKS, clusterName: 'aks-prod', principals: [], rules: { h: [tag] } });

  it('a cluster’s first digest is read and written with point reads only; later reads query its partition', async () => {
    const t = await fresh({ historyTtlSeconds: 600 });
    const queriesDuring = async (run: () => Promise<unknown>) => {
      const from = server.requests.length;
      await run();
      return server.requests.slice(from).filter((r) => r.headers['x-ms-documentdb-isquery'] !== undefined);
    };
    expect(await queriesDuring(async () => { expect(await t.store.readAccessDigestAt(AKS, '2026-01-01T00:00:00Z')).toBeUndefined(); })).toEqual([]);
    expect(await queriesDuring(() => t.store.writeAccessDigest(AKS, 'gen-1', '2026-01-01T00:00:00Z', digest('a')))).toEqual([]);
    const marker = (await documents(t, 'clusters')).find((d) => d.type === 'accessHistory');
    expect(marker).toMatchObject({ clusterId: AKS.toLowerCase(), runId: 'gen-1', ttl: 600 });
    const later = await queriesDuring(async () => { expect((await t.store.readAccessDigestAt(AKS, '2026-01-02T00:00:00Z'))?.digest).toEqual(digest('a')); });
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((r) => r.headers['x-ms-documentdb-partitionkey'] === JSON.stringify([AKS.toLowerCase()]))).toBe(true);
  });
});

describe('large units', () => {
  it('writes and cleans up thousands of principals through bulk and members in bounded documents', async () => {
    const t = await fresh({ membersPerDocument: 100 });
    const ids = Array.from({ length: 450 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    const directory: EntraDirectory = { users: ids.map((id) => user(id, `${id}@contoso.com`)), groups: [group('00000000-0000-0000-0001-000000000000', ids)], servicePrincipals: [] };
    const first = await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-1', { source: 'entra', data: directory });
    expect(first.written).toBe(450 + 1 + 5 + 1);
    expect((await t.store.readTenantInput()).entra).toEqual(directory);

    const smaller: EntraDirectory = { users: directory.users.slice(0, 150), groups: [group('00000000-0000-0000-0001-000000000000', ids.slice(0, 150))], servicePrincipals: [] };
    const second = await t.store.writeUnitSnapshot(ENTRA_UNIT, 'run-2', { source: 'entra', data: smaller });
    expect(second.deleted).toBe(300 + 3);
    expect((await t.store.readTenantInput()).entra).toEqual(smaller);
  });
});

describe('the Cosmos plumbing', () => {
  it('is keyless: every request carries an Entra token for the account, none a key', async () => {
    const t = await fresh();
    await t.store.listUnitStatus();
    const auth = server.requests.map((r) => r.headers.authorization);
    expect(auth.length).toBeGreaterThan(0);
    for (const a of auth) expect(a).toBe('type=aad&ver=1.0&sig=cosmos-test-token');
    expect(new Set(t.credential.scopes)).toEqual(new Set([`${server.endpoint}.default`]));
  });

  it('creates exactly the declared containers (partition key, TTL), and again is a no-op', async () => {
    const t = await fresh();
    await ensureContainers(t.client, t.databaseId);
    const { resources } = await t.client.database(t.databaseId).containers.readAll().fetchAll();
    const actual = resources.map((c) => ({ id: c.id, paths: c.partitionKey?.paths, defaultTtl: c.defaultTtl })).sort((a, b) => a.id.localeCompare(b.id));
    const declared = CONTAINER_LIST.map((c) => ({ id: c.id, paths: [c.partitionKeyPath], defaultTtl: c.defaultTtl })).sort((a, b) => a.id.localeCompare(b.id));
    expect(actual).toEqual(declared);
  });

  it('builds no query from strings: every query is a constant with @parameters', async () => {
    const source = await readFile(new URL('./CosmosIndexStore.ts', import.meta.url), 'utf8');
    const block = /const QUERY = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? '';
    const queries = [...block.matchAll(/'(SELECT [^']*)'/g)].map((m) => m[1] ?? '');
    expect(queries.length).toBeGreaterThan(5);
    // No SELECT outside the constants (so none in a template literal or a concatenation).
    expect(source.replace(block, '').match(/SELECT /g) ?? []).toHaveLength(0);
    for (const q of queries) {
      // Values only through parameters: nothing quoted inside a query but a property name in brackets (c["index"]).
      expect(q.replace(/\bc\["\w+"\]/g, 'c.x')).not.toMatch(/["`]/);
      expect(q).toMatch(/@\w+/);
    }
    expect(source.match(/\.items\.query</g)).toHaveLength(1);
    expect(source).toMatch(/items\.query<T>\(\{ query, parameters \}/);
  });
});
