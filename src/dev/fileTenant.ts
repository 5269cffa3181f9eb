import type { AksClustersCollection } from '../collectors/aks-clusters/transform.ts';
import type { AzureRbacCollection } from '../collectors/azure-rbac/transform.ts';
import type { K8sCollection } from '../collectors/k8s-rbac/transform.ts';
import { clusterKey } from '../engine/access/accessModel.ts';
import { loadAccessModel } from '../cli/crossPlane/loadAccessModel.ts';
import { documentsOf, manifestDocumentsByCluster } from '../cli/findings/offlineFindings.ts';
import { extractInternalLoadBalancerSubnets, extractNetworkAndRegistries, extractPods } from '../normalize/extractFindingsInputs.ts';
import { extractServiceAccounts } from '../normalize/extractServiceAccounts.ts';
import { subscriptionOfCluster, unitScope } from '../sync/units.ts';
import type { CollectUnit } from '../sync/unitCollectors.ts';

export interface FileTenant {
  readonly collect: CollectUnit;
  readonly clusters: number;
  readonly warnings: readonly string[];
}

/**
 * A tenant read from exported files instead of over the network — the `az` exports and the per-cluster
 * manifests `aks-access findings` and `who-can` read offline — answered unit by unit as the collectors answer,
 * so a sync indexes it and the API serves it like a live tenant (`npm start -- --azure-files … --from-files …`).
 * The tenant's azure-rbac unit holds every assignment (its subscription units none), each subscription's
 * aks-clusters unit its clusters with the exported subnets and registries, each cluster's k8s-rbac unit the
 * RBAC objects, pods, service accounts and internal load-balancer subnets of its manifests.
 */
export async function fileTenant(azureFiles: readonly string[], fromFiles: readonly string[]): Promise<FileTenant> {
  const loaded = await loadAccessModel(fromFiles, azureFiles, []);
  const { input } = loaded;
  const { subnets, registries } = extractNetworkAndRegistries(await documentsOf(azureFiles));
  const manifests = await manifestDocumentsByCluster(loaded, fromFiles);
  const subscriptions = [...new Map(input.clusters.map((c) => [c.subscriptionId.toLowerCase(), c.subscriptionId])).values()].filter((s) => s !== '');
  const emptyAzure = { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] };

  const kubernetes = (clusterId: string): K8sCollection => {
    const key = clusterKey(clusterId);
    const objects = input.kubernetes.get(key) ?? { roles: [], bindings: [] };
    const documents = manifests.get(key) ?? [];
    return {
      roles: objects.roles,
      bindings: objects.bindings,
      namespaces: [],
      serviceAccounts: extractServiceAccounts(documents),
      pods: extractPods(documents),
      internalLoadBalancerSubnets: extractInternalLoadBalancerSubnets(documents),
      warnings: [],
    };
  };

  const collect: CollectUnit = (unit) => {
    const scope = unitScope(unit);
    switch (unit.source) {
      case 'azure-rbac': {
        const data: AzureRbacCollection =
          scope.kind === 'tenant' ? { azure: input.azure, subscriptions: subscriptions.map((subscriptionId) => ({ subscriptionId })) } : { azure: emptyAzure, subscriptions: [] };
        return Promise.resolve({ source: 'azure-rbac', data });
      }
      case 'aks-clusters': {
        const subscriptionId = scope.kind === 'subscription' ? scope.subscriptionId.toLowerCase() : '';
        const clusters = input.clusters.filter((c) => (subscriptionOfCluster(c.id) ?? c.subscriptionId).toLowerCase() === subscriptionId);
        const data: AksClustersCollection = {
          clusters,
          networks: clusters.map((c) => ({ clusterId: c.id, subnetIds: c.agentPoolSubnetIds ?? [], privateCluster: false, ...(c.privateDnsZone === undefined ? {} : { privateDnsZone: c.privateDnsZone }) })),
          subnets,
          missingSubnetIds: [],
          registries,
        };
        return Promise.resolve({ source: 'aks-clusters', data });
      }
      case 'entra':
        return Promise.resolve({ source: 'entra', data: input.entra });
      case 'k8s-rbac':
        return Promise.resolve({ source: 'k8s-rbac', data: kubernetes(scope.kind === 'cluster' ? scope.clusterId : '') });
    }
  };
  return { collect, clusters: input.clusters.length, warnings: loaded.warnings };
}
