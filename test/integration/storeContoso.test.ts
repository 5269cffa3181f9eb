/**
 * scenarios/contoso.yaml through the Cosmos store: the scenario cut into the units the collectors return
 * (tenant and per-subscription Azure RBAC, per-subscription AKS clusters, Entra, per-cluster Kubernetes),
 * written to the in-process Cosmos server, read back as the engine's input — which must hold exactly the
 * scenario's objects — and every cluster's slice written as a generation and read back unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { AzureRbacCollection } from '../../src/collectors/azure-rbac/transform.ts';
import type { AksClustersCollection } from '../../src/collectors/aks-clusters/transform.ts';
import { clusterKey, type AccessModelInput } from '../../src/engine/access/accessModel.ts';
import { sliceForCluster } from '../../src/engine/access/sliceForCluster.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import type { UnitKey, UnitSnapshot } from '../../src/store/IndexStore.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer, type TestIndexStore } from '../helpers/cosmosServer.ts';

const SCENARIO = fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));

let server: CosmosTestServer;
let scenario: TenantScenario;
let t: TestIndexStore;

const inSubscription = (id: string, subscriptionId: string) => id.toLowerCase().startsWith(`/subscriptions/${subscriptionId.toLowerCase()}`);
const aboveSubscriptions = (scope: string) => !scope.toLowerCase().startsWith('/subscriptions/');
const byId = <T extends { id: string }>(items: readonly T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));

/** The units a collection of this tenant returns, as the collectors shape them. */
function unitsOf(s: TenantScenario): [UnitKey, UnitSnapshot][] {
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `scenario cluster ${i}`));
  const builtIn = s.azure.roleDefinitions.filter((d) => d.roleType === 'BuiltInRole');
  const custom = s.azure.roleDefinitions.filter((d) => d.roleType !== 'BuiltInRole');
  const tenant: AzureRbacCollection = {
    azure: { roleDefinitions: builtIn, roleAssignments: [], denyAssignments: [], hierarchy: s.azure.hierarchy },
    subscriptions: s.subscriptions.map((x) => ({ subscriptionId: x.subscriptionId, displayName: x.displayName })),
  };
  const units: [UnitKey, UnitSnapshot][] = [
    [{ source: 'azure-rbac', scope: 'tenant' }, { source: 'azure-rbac', data: tenant }],
    [{ source: 'entra', scope: 'tenant' }, { source: 'entra', data: s.entra }],
  ];
  for (const { subscriptionId } of s.subscriptions) {
    // Assignments at, below and above the subscription (as the collector lists them): those above are in every subscription.
    const rbac: AzureRbacCollection = {
      azure: {
        roleDefinitions: custom,
        roleAssignments: s.azure.roleAssignments.filter((a) => inSubscription(a.scope, subscriptionId) || aboveSubscriptions(a.scope)),
        denyAssignments: s.azure.denyAssignments.filter((d) => inSubscription(d.scope, subscriptionId) || aboveSubscriptions(d.scope)),
        hierarchy: [],
      },
      subscriptions: [],
    };
    const aks: AksClustersCollection = {
      clusters: clusters.filter((c) => c.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()),
      networks: [],
      subnets: s.subnets.filter((x) => inSubscription(x.id, subscriptionId)),
      missingSubnetIds: [],
      registries: s.registries.filter((r) => inSubscription(r.id, subscriptionId)),
    };
    units.push([{ source: 'azure-rbac', scope: `sub:${subscriptionId}` }, { source: 'azure-rbac', data: rbac }]);
    units.push([{ source: 'aks-clusters', scope: `sub:${subscriptionId}` }, { source: 'aks-clusters', data: aks }]);
  }
  s.clusters.forEach((c, i) => {
    const id = clusters[i]?.id ?? '';
    units.push([{ source: 'k8s-rbac', scope: `cluster:${id}` }, { source: 'k8s-rbac', data: { ...c.kubernetes, warnings: [] } }]);
  });
  return units;
}

beforeAll(async () => {
  [server, scenario] = await Promise.all([startCosmosServer(), loadScenario(SCENARIO)]);
  t = await createTestIndexStore(server, { maxChunkBytes: 20_000 });
  for (const [unit, snapshot] of unitsOf(scenario)) await t.store.writeUnitSnapshot(unit, 'run-1', snapshot);
});

afterAll(async () => {
  await server.close();
});

describe('contoso.yaml through the Cosmos store', () => {
  let input: AccessModelInput;
  beforeAll(async () => {
    input = await t.store.readTenantInput();
  });

  it('reads back exactly the scenario’s clusters and Azure RBAC', () => {
    const clusters = scenario.clusters.map((c, i) => normalizeManagedCluster(c.arm, `scenario cluster ${i}`));
    expect(byId(input.clusters)).toEqual(byId(clusters));
    expect(byId(input.azure.roleDefinitions)).toEqual(byId(scenario.azure.roleDefinitions));
    expect(byId(input.azure.roleAssignments)).toEqual(byId(scenario.azure.roleAssignments));
    expect(byId(input.azure.denyAssignments)).toEqual(byId(scenario.azure.denyAssignments));
    expect(input.azure.hierarchy).toEqual(scenario.azure.hierarchy);
    expect(input.clusters.length).toBe(4);
    expect(input.azure.roleAssignments.length).toBe(26);
  });

  it('reads back exactly the scenario’s directory, members in order', () => {
    expect(input.entra).toEqual(scenario.entra);
  });

  it('reads back every cluster’s Kubernetes objects under its lower-case id', () => {
    const clusters = scenario.clusters.map((c, i) => normalizeManagedCluster(c.arm, `scenario cluster ${i}`));
    expect([...input.kubernetes.keys()].sort()).toEqual(clusters.map((c) => clusterKey(c.id)).sort());
    scenario.clusters.forEach((c, i) => {
      expect(input.kubernetes.get(clusterKey(clusters[i]?.id ?? ''))).toEqual({ ...c.kubernetes, warnings: [] });
    });
  });

  it('writes every cluster’s slice as a generation (many chunks) and reads it back unchanged', async () => {
    for (const cluster of input.clusters) {
      const slice = sliceForCluster(input, cluster.id);
      await t.store.writeGeneration({ clusterId: cluster.id, generation: 'gen-20250101T000000000Z-0001', compiledAt: '2025-01-01T00:00:00.000Z', input: slice });
      expect(await t.store.readCurrentGeneration(cluster.id)).toEqual({ clusterId: cluster.id, generation: 'gen-20250101T000000000Z-0001', compiledAt: '2025-01-01T00:00:00.000Z', input: slice });
    }
    expect((await t.store.listClusterGenerations()).map((g) => g.name).sort()).toEqual(input.clusters.map((c) => c.name).sort());
    const { resources: chunks } = await t.client
      .database(t.databaseId)
      .container('clusters')
      .items.query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.type = @type', parameters: [{ name: '@type', value: 'generationChunk' }] })
      .fetchAll();
    expect(chunks[0]).toBeGreaterThan(2 * input.clusters.length);
  });

  it('a second run with the same data deletes nothing and reads back the same', async () => {
    let deleted = 0;
    for (const [unit, snapshot] of unitsOf(scenario)) deleted += (await t.store.writeUnitSnapshot(unit, 'run-2', snapshot)).deleted;
    expect(deleted).toBe(0);
    const again = await t.store.readTenantInput();
    expect(again).toEqual(input);
  });
});
