import type { TokenCredential } from '@azure/identity';
import type { UnitKey, UnitSnapshot } from '../store/IndexStore.ts';
import type { RetryPolicy } from '../collectors/withRetry.ts';
import type { AzureRbacClients } from '../collectors/azure-rbac/clients.ts';
import { collect as collectAzureRbac } from '../collectors/azure-rbac/collect.ts';
import type { AksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { collect as collectAksClusters } from '../collectors/aks-clusters/collect.ts';
import type { EntraClients } from '../collectors/entra/clients.ts';
import { collect as collectEntra } from '../collectors/entra/collect.ts';
import { collect as collectK8s } from '../collectors/k8s-rbac/collect.ts';
import { AKS_ENTRA_SCOPE } from '../collectors/k8s-rbac/fetch.ts';
import { userKubeconfig } from '../collectors/k8s-rbac/credentials.ts';
import { unitScope } from './units.ts';

/** Collects one unit, complete or not at all: resolves with its snapshot or throws a CollectorError. */
export type CollectUnit = (unit: UnitKey) => Promise<UnitSnapshot>;

export interface UnitCollectorClients {
  readonly tenantId: string;
  readonly azureRbac: AzureRbacClients;
  readonly aksClusters: AksClustersClients;
  readonly entra: EntraClients;
  /** For the Kubernetes API servers: an Entra token for the AKS server application (AKS_ENTRA_SCOPE). */
  readonly credential: TokenCredential;
  readonly retry?: RetryPolicy;
}

/**
 * One collector call per unit, over clients built elsewhere (src/composition.ts in Azure, the simulated
 * tenant's settings in tests): azure-rbac at tenant or subscription scope, aks-clusters per subscription,
 * entra for the tenant, k8s-rbac per cluster through the cluster's user kubeconfig and an Entra bearer token.
 */
export function unitCollectors(clients: UnitCollectorClients): CollectUnit {
  const retry = clients.retry === undefined ? {} : { retry: clients.retry };
  const bearerToken = async () => {
    const token = await clients.credential.getToken(AKS_ENTRA_SCOPE);
    if (token === null) throw new Error(`no token for ${AKS_ENTRA_SCOPE}`);
    return token.token;
  };
  return async (unit) => {
    const scope = unitScope(unit);
    switch (unit.source) {
      case 'azure-rbac': {
        const target = scope.kind === 'subscription' ? { kind: 'subscription' as const, subscriptionId: scope.subscriptionId } : { kind: 'tenant' as const, tenantId: clients.tenantId };
        return { source: 'azure-rbac', data: await collectAzureRbac(target, { clients: clients.azureRbac, ...retry }) };
      }
      case 'aks-clusters': {
        if (scope.kind !== 'subscription') throw new Error(`unreachable: aks-clusters at ${scope.kind} scope`);
        return { source: 'aks-clusters', data: await collectAksClusters({ subscriptionId: scope.subscriptionId }, { clients: clients.aksClusters, ...retry }) };
      }
      case 'entra':
        return { source: 'entra', data: await collectEntra({ tenantId: clients.tenantId }, { clients: clients.entra, ...retry }) };
      case 'k8s-rbac': {
        if (scope.kind !== 'cluster') throw new Error(`unreachable: k8s-rbac at ${scope.kind} scope`);
        const kubeconfig = await userKubeconfig(clients.aksClusters.containerService(scope.subscriptionId), scope.clusterId, clients.retry);
        return { source: 'k8s-rbac', data: await collectK8s({ clusterId: scope.clusterId, kubeconfig, bearerToken }, retry) };
      }
    }
  };
}

/** How many objects a snapshot holds: what a unit's status and the run summary count. */
export function snapshotObjects(snapshot: UnitSnapshot): number {
  switch (snapshot.source) {
    case 'azure-rbac': {
      const a = snapshot.data.azure;
      return a.roleDefinitions.length + a.roleAssignments.length + a.denyAssignments.length + a.hierarchy.length + snapshot.data.subscriptions.length;
    }
    case 'aks-clusters':
      return snapshot.data.clusters.length + snapshot.data.subnets.length + snapshot.data.registries.length;
    case 'entra':
      return snapshot.data.users.length + snapshot.data.groups.length + snapshot.data.servicePrincipals.length;
    case 'k8s-rbac': {
      const k = snapshot.data;
      return k.roles.length + k.bindings.length + k.namespaces.length + k.serviceAccounts.length + k.pods.length;
    }
  }
}
