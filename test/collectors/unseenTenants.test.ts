/**
 * The three collectors, unit by unit as a sync would plan them, against tenants written by someone else:
 * scenarios/contoso.yaml and a generated tenant. Nothing here restates ARM's scope rules; instead every
 * object a unit returns must be the scenario's object with that id, exactly, and together the units must
 * return every object the scenario has.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { collect as collectClusters } from '../../src/collectors/aks-clusters/collect.ts';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { collect as collectRbac } from '../../src/collectors/azure-rbac/collect.ts';
import { createEntraClients } from '../../src/collectors/entra/clients.ts';
import { collect as collectEntra } from '../../src/collectors/entra/collect.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { generateScenario } from '../../src/sim/scenario/generateScenario.ts';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { StaticTokenCredential, recordingRetry, startSimTenant } from '../helpers/simTenantHarness.ts';

const byId = <T extends { id: string }>(items: readonly T[]) => new Map(items.map((i) => [i.id, i]));
const sortedIds = (items: Iterable<{ id: string }>) => [...items].map((i) => i.id).sort();

async function collectEverything(scenario: TenantScenario) {
  const sim = await startSimTenant(scenario, { pageSize: 7 });
  const credential = new StaticTokenCredential();
  const retry = recordingRetry();
  const rbac = createAzureRbacClients(credential, sim.armSettings());
  const clusters = createAksClustersClients(credential, sim.armSettings());
  const entra = createEntraClients(credential, sim.graphSettings());
  try {
    const tenant = await collectRbac({ kind: 'tenant', tenantId: scenario.tenantId }, { clients: rbac, retry });
    const subscriptions = await Promise.all(
      tenant.subscriptions.map(async ({ subscriptionId }) => ({
        subscriptionId,
        rbac: await collectRbac({ kind: 'subscription', subscriptionId }, { clients: rbac, retry }),
        clusters: await collectClusters({ subscriptionId }, { clients: clusters, retry }),
      })),
    );
    const directory = await collectEntra({ tenantId: scenario.tenantId }, { clients: entra, retry });
    return { tenant, subscriptions, directory };
  } finally {
    await entra.graph.close();
    await sim.close();
  }
}

const tenants: [string, () => Promise<TenantScenario>][] = [
  ['scenarios/contoso.yaml', () => loadScenario(fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)))],
  [
    'a generated tenant',
    () => Promise.resolve(generateScenario({ seed: 'collectors', subscriptions: 3, clusters: 6, bindingsPerCluster: 2, principals: 200, groupNestingDepth: 3, roleAssignments: 400, denyAssignments: 3 })),
  ],
];

describe.each(tenants)('collectors against %s', (_name, load) => {
  it('return the tenant exactly, unit by unit', async () => {
    const scenario = await load();
    const { tenant, subscriptions, directory } = await collectEverything(scenario);

    expect(tenant.subscriptions.map((s) => s.subscriptionId).sort()).toEqual(scenario.subscriptions.map((s) => s.subscriptionId).sort());

    const assignments = byId(scenario.azure.roleAssignments);
    const denies = byId(scenario.azure.denyAssignments);
    const definitions = byId(scenario.azure.roleDefinitions);
    const seen = { assignments: new Map<string, unknown>(), denies: new Map<string, unknown>(), definitions: new Map<string, unknown>() };
    for (const d of tenant.azure.roleDefinitions) seen.definitions.set(d.id, d);
    for (const unit of subscriptions) {
      for (const a of unit.rbac.azure.roleAssignments) {
        expect(a).toEqual(assignments.get(a.id));
        seen.assignments.set(a.id, a);
      }
      for (const d of unit.rbac.azure.denyAssignments) {
        expect(d).toEqual(denies.get(d.id));
        seen.denies.set(d.id, d);
      }
      for (const d of unit.rbac.azure.roleDefinitions) seen.definitions.set(d.id, d);

      const expectedClusters = scenario.clusters
        .map((c) => normalizeManagedCluster(c.arm, 'scenario'))
        .filter((c) => c.subscriptionId.toLowerCase() === unit.subscriptionId.toLowerCase());
      expect(unit.clusters.clusters).toEqual(expectedClusters);
      expect(unit.clusters.missingSubnetIds).toEqual([]);
      for (const s of unit.clusters.subnets) expect(s).toEqual(scenario.subnets.find((x) => x.id.toLowerCase() === s.id.toLowerCase()));
      expect(sortedIds(unit.clusters.registries)).toEqual(sortedIds(scenario.registries.filter((r) => r.id.toLowerCase().startsWith(`/subscriptions/${unit.subscriptionId.toLowerCase()}/`))));
    }
    for (const d of seen.definitions.values()) expect(d).toEqual(definitions.get((d as { id: string }).id));
    expect([...seen.assignments.keys()].sort()).toEqual([...assignments.keys()].sort());
    expect([...seen.denies.keys()].sort()).toEqual([...denies.keys()].sort());
    expect([...seen.definitions.keys()].sort()).toEqual([...definitions.keys()].sort());

    expect(directory).toEqual(scenario.entra);
  });
});
