import type { TokenCredential } from '@azure/identity';
import type { ArmClientSettings } from '../../src/collectors/armClientOptions.ts';
import type { GraphClientSettings } from '../../src/collectors/entra/graphClient.ts';
import { CollectorError } from '../../src/collectors/CollectorError.ts';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { collect as collectAzureRbac } from '../../src/collectors/azure-rbac/collect.ts';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { collect as collectAksClusters } from '../../src/collectors/aks-clusters/collect.ts';
import { createEntraClients } from '../../src/collectors/entra/clients.ts';
import { collect as collectEntra } from '../../src/collectors/entra/collect.ts';
import { collect as collectK8s } from '../../src/collectors/k8s-rbac/collect.ts';
import { userKubeconfig } from '../../src/collectors/k8s-rbac/credentials.ts';
import { buildRbacPolicy, compileRbacIndex } from '../../src/engine/k8s/index.ts';
import type { UnitKey, UnitSnapshot } from '../../src/store/IndexStore.ts';
import type { CountingStore } from './countingStore.ts';

export interface StreamingSyncOptions {
  readonly tenantId: string;
  readonly credential: TokenCredential;
  readonly arm: ArmClientSettings;
  readonly graph: GraphClientSettings;
  readonly store: CountingStore;
  /** Called after each cluster (its 1-based number and the total), to sample memory as the run goes on. */
  readonly onCluster?: (done: number, total: number) => void;
  /** Clusters the tenant should have (for progress only). */
  readonly expectedClusters: number;
}

export interface StreamingSyncResult {
  readonly units: number;
  readonly failedUnits: readonly string[];
  readonly clusters: number;
  /** Clusters compiled: each would be one generation written. */
  readonly compiledClusters: number;
  readonly compiledBindings: number;
  readonly compiledGrants: number;
  /** Wall time of each stage, ms (the two lanes run side by side after the tenant and Entra units). */
  readonly stageMs: { readonly tenantAndEntra: number; readonly azureRbacLane: number; readonly clusterLane: number };
  /** Time spent compiling (buildRbacPolicy + compileRbacIndex), ms, inside the clusters stage. */
  readonly compileMs: number;
}

/**
 * A sync that streams unit by unit, as the queue-driven sync does in Azure: each unit is collected, its
 * snapshot handed to the store (here counted), and dropped; each cluster is compiled right after its collection
 * and its index dropped once its generation would be written. At most two units are in memory at once (one per
 * lane) and nothing else grows with the number of subscriptions or clusters, so memory is bounded by the largest
 * units (the Entra directory, a subscription's assignments, one cluster), not by the tenant.
 */
export async function streamingSync(options: StreamingSyncOptions): Promise<StreamingSyncResult> {
  const { store } = options;
  const runId = `bench-${Date.now()}`;
  const azureClients = createAzureRbacClients(options.credential, options.arm);
  const aksClients = createAksClustersClients(options.credential, options.arm);
  const entraClients = createEntraClients(options.credential, options.graph);
  let units = 0;
  const failedUnits: string[] = [];

  const unit = async (key: UnitKey, run: () => Promise<UnitSnapshot>): Promise<UnitSnapshot | undefined> => {
    units++;
    try {
      const snapshot = await run();
      await store.writeUnitSnapshot(key, runId, snapshot);
      return snapshot;
    } catch (error) {
      if (!(error instanceof CollectorError)) throw error;
      failedUnits.push(`${key.source}|${key.scope}: ${error.kind}: ${error.message}`);
      return undefined;
    }
  };

  let started = performance.now();
  const [tenant] = await Promise.all([
    unit({ source: 'azure-rbac', scope: 'tenant' }, async () => ({ source: 'azure-rbac', data: await collectAzureRbac({ kind: 'tenant', tenantId: options.tenantId }, { clients: azureClients }) })),
    unit({ source: 'entra', scope: 'tenant' }, async () => ({ source: 'entra', data: await collectEntra({ tenantId: options.tenantId }, { clients: entraClients }) })),
  ]);
  const subscriptionIds = tenant?.source === 'azure-rbac' ? tenant.data.subscriptions.map((s) => s.subscriptionId) : [];
  const tenantAndEntra = performance.now() - started;

  // Two lanes, each one unit at a time: the subscriptions' Azure RBAC units, and per subscription its AKS unit
  // followed by each of its clusters (collected, compiled, dropped). The simulated ARM spends seconds per
  // subscription filtering L's 500,000 assignments; the lanes keep the clusters moving meanwhile.
  started = performance.now();
  let azureLaneMs = 0;
  const azureLane = async () => {
    for (const subscriptionId of subscriptionIds) {
      await unit({ source: 'azure-rbac', scope: `sub:${subscriptionId}` }, async () => ({ source: 'azure-rbac', data: await collectAzureRbac({ kind: 'subscription', subscriptionId }, { clients: azureClients }) }));
    }
    azureLaneMs = performance.now() - started;
  };
  const bearerToken = () => Promise.resolve('bench-token');
  const expectedClusters = options.expectedClusters;
  let compileMs = 0;
  let compiledBindings = 0;
  let compiledGrants = 0;
  let compiledClusters = 0;
  let clusterCount = 0;
  let done = 0;
  const clusterLane = async () => {
    for (const subscriptionId of subscriptionIds) {
      const aks = await unit({ source: 'aks-clusters', scope: `sub:${subscriptionId}` }, async () => ({ source: 'aks-clusters', data: await collectAksClusters({ subscriptionId }, { clients: aksClients }) }));
      const refs = aks?.source === 'aks-clusters' ? aks.data.clusters.map((c) => ({ id: c.id, subscriptionId: c.subscriptionId })) : [];
      clusterCount += refs.length;
      for (const ref of refs) {
        const snapshot = await unit({ source: 'k8s-rbac', scope: `cluster:${ref.id}` }, async () => {
          const kubeconfig = await userKubeconfig(aksClients.containerService(ref.subscriptionId), ref.id);
          return { source: 'k8s-rbac', data: await collectK8s({ clusterId: ref.id, kubeconfig, bearerToken }) };
        });
        if (snapshot?.source === 'k8s-rbac') {
          const t = performance.now();
          const index = compileRbacIndex(buildRbacPolicy(snapshot.data));
          compileMs += performance.now() - t;
          compiledBindings += snapshot.data.bindings.length;
          compiledGrants += index.grantCount;
          compiledClusters++;
        }
        options.onCluster?.(++done, expectedClusters);
      }
    }
  };
  let clusterLaneMs = 0;
  await Promise.all([
    azureLane(),
    clusterLane().then(() => {
      clusterLaneMs = performance.now() - started;
    }),
  ]);

  return { units, failedUnits, clusters: clusterCount, compiledClusters, compiledBindings, compiledGrants, stageMs: { tenantAndEntra, azureRbacLane: azureLaneMs, clusterLane: clusterLaneMs }, compileMs };
}
