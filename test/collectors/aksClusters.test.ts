/**
 * The aks-clusters collector with the real SDK clients (@azure/arm-containerservice, arm-network,
 * arm-containerregistry) over HTTPS against the simulated ARM: clusters object for object (through the one
 * normalisation), the subnets their node pools use (also across subscriptions), registries; every fault kind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { collect, type AksClustersCollectOptions } from '../../src/collectors/aks-clusters/collect.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { AKS_LOCAL, AKS_PRIVATE, AKS_PROD, AKS_S2, GROUP, PRIVATE_DNS_ZONE, S1, S2, SP, SUBNET_AKS, SUBNET_APPS, armGraphScenario } from '../helpers/armGraphScenario.ts';
import { collectorFailure as failure } from '../helpers/collectorFailure.ts';
import { StaticTokenCredential, recordingRetry, startSimTenant, type SimTenant } from '../helpers/simTenantHarness.ts';

const scenario = armGraphScenario();
let sim: SimTenant;

beforeAll(async () => {
  sim = await startSimTenant(scenario, { pageSize: 2 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.log.clear();
});

function options(retry = recordingRetry(), requestTimeoutMs?: number, credential = new StaticTokenCredential()): AksClustersCollectOptions {
  return { clients: createAksClustersClients(credential, sim.armSettings(requestTimeoutMs)), retry };
}

const armOf = (id: string) => scenario.clusters.find((c) => c.arm.id === id)?.arm ?? {};

describe('aks-clusters against the simulated tenant', () => {
  it('one subscription: its clusters as the model has them, their subnets, its registries', async () => {
    const credential = new StaticTokenCredential();
    const result = await collect({ subscriptionId: S1 }, options(recordingRetry(), undefined, credential));
    // Every client (TypeSpec-generated and classic) asked for a Resource Manager token, whatever its endpoint.
    expect(new Set(credential.scopes)).toEqual(new Set(['https://management.azure.com/.default']));
    // The SDK path gives what normalising the ARM JSON gives…
    expect(result.clusters).toEqual([AKS_PROD, AKS_LOCAL, AKS_PRIVATE].map((id) => normalizeManagedCluster(armOf(id), id)));
    // …and that is what the scenario says about each cluster.
    const [prod, local, priv] = result.clusters;
    expect(prod).toMatchObject({ name: 'aks-prod', subscriptionId: S1, resourceGroup: 'rg-aks', entraIntegration: true, azureRbac: true, localAccountsEnabled: false, adminGroupObjectIds: [GROUP.admins] });
    expect(prod?.kubeletIdentity?.objectId).toBe(SP.kubelet);
    expect(local).toMatchObject({ entraIntegration: false, azureRbac: false, localAccountsEnabled: true, adminGroupObjectIds: [] });
    expect(priv).toMatchObject({ azureRbac: false, adminGroupObjectIds: [GROUP.eng], identity: { type: 'UserAssigned', userAssignedIdentityIds: [expect.stringContaining('id-aks-private')] } });

    expect(result.networks).toEqual([
      { clusterId: AKS_PROD, subnetIds: [SUBNET_AKS], privateCluster: false },
      { clusterId: AKS_LOCAL, subnetIds: [], privateCluster: false },
      { clusterId: AKS_PRIVATE, subnetIds: [], privateCluster: true, privateDnsZone: PRIVATE_DNS_ZONE },
    ]);
    // Two node pools name the subnet (in two casings): it is read once.
    expect(result.subnets).toEqual([scenario.subnets[0]]);
    expect(sim.requests('arm', /subnets/)).toHaveLength(1);
    expect(result.missingSubnetIds).toEqual([]);
    expect(result.registries).toEqual(scenario.registries.filter((r) => r.id.includes(S1)));
    // 3 clusters and 3 registries at 2 per page: 2 pages each.
    expect(sim.requests('arm', /managedClusters/)).toHaveLength(2);
    expect(sim.requests('arm', /registries/)).toHaveLength(2);
  });

  it('a cluster whose subnet lives in another subscription: the subnet is read there', async () => {
    const result = await collect({ subscriptionId: S2 }, options());
    expect(result.clusters.map((c) => c.id)).toEqual([AKS_S2]);
    expect(result.clusters[0]?.adminGroupObjectIds).toEqual([]);
    expect(result.subnets).toEqual([{ id: SUBNET_APPS, addressPrefix: '10.10.8.0/24' }]);
    expect(sim.requests('arm', /subnets/)).toEqual([expect.stringContaining(`/subscriptions/${S1}/resourceGroups/rg-net/`)]);
  });

  it('429 then success, honouring Retry-After', async () => {
    sim.faults.add({ service: 'arm', match: /managedClusters.*skiptoken/, kind: '429', times: 1, retryAfterSeconds: 1 });
    const retry = recordingRetry();
    const result = await collect({ subscriptionId: S1 }, options(retry));
    expect(result.clusters).toHaveLength(3);
    expect(retry.waits).toEqual([1000]);
  });

  it('403 on a subnet in another resource group → denied naming subnets/read on that subnet', async () => {
    sim.faults.add({ service: 'arm', match: /subnets/, kind: '403', times: Infinity });
    const error = await failure(collect({ subscriptionId: S1 }, options()));
    expect(error.kind).toBe('denied');
    expect(error.permission).toBe(`Microsoft.Network/virtualNetworks/subnets/read on ${SUBNET_AKS}`);
    expect(error.message).toContain("perform action 'Microsoft.Network/virtualNetworks/subnets/read'");
  });

  it('403 on the cluster list → denied naming managedClusters/read on the subscription', async () => {
    sim.faults.add({ service: 'arm', match: /managedClusters/, kind: '403', times: Infinity });
    const error = await failure(collect({ subscriptionId: S1 }, options()));
    expect(error).toMatchObject({ kind: 'denied', permission: `Microsoft.ContainerService/managedClusters/read on /subscriptions/${S1}`, unit: `aks-clusters sub:${S1}` });
  });

  it('500 every time → transient after the bounded retries', async () => {
    sim.faults.add({ service: 'arm', match: /registries/, kind: '500', times: Infinity });
    const error = await failure(collect({ subscriptionId: S1 }, options(recordingRetry(2))));
    expect(error).toMatchObject({ kind: 'transient', status: 500 });
    expect(sim.requests('arm', /registries/)).toHaveLength(2);
  });

  it('timeout → transient', async () => {
    sim.faults.add({ service: 'arm', match: /subnets/, kind: 'timeout', times: Infinity });
    const error = await failure(collect({ subscriptionId: S1 }, options(recordingRetry(2), 250)));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain(`subnet ${SUBNET_AKS} after 2 attempts: the request timed out`);
  });

  it('a malformed cluster → invalid, named', async () => {
    sim.faults.add({ service: 'arm', match: /managedClusters/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ subscriptionId: S1 }, options()));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('managed cluster aks-prod: id is required');
  });

  it('a malformed registry → invalid, named by its id', async () => {
    sim.faults.add({ service: 'arm', match: /registries/, kind: 'malformed', times: 1 });
    const error = await failure(collect({ subscriptionId: S1 }, options()));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain(`container registry ${scenario.registries[0]?.id ?? ''}: loginServer is required`);
  });
});
