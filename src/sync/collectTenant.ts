import type { TokenCredential } from '@azure/identity';
import type { AksCluster } from '../model/aksCluster.ts';
import type { DenyAssignment, RoleAssignment, RoleDefinition, ScopeParent } from '../model/azureRbac.ts';
import type { EntraDirectory } from '../model/entra.ts';
import type { K8sInventory } from '../model/k8sInventory.ts';
import type { RbacObjects } from '../model/k8sRbac.ts';
import type { ArmClientSettings } from '../collectors/armClientOptions.ts';
import { CollectorError, type CollectorFailureKind } from '../collectors/CollectorError.ts';
import type { RetryPolicy } from '../collectors/withRetry.ts';
import { createAzureRbacClients } from '../collectors/azure-rbac/clients.ts';
import { collect as collectAzureRbac, unitName as azureUnit } from '../collectors/azure-rbac/collect.ts';
import { createAksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { collect as collectAksClusters, unitName as aksUnit } from '../collectors/aks-clusters/collect.ts';
import { createEntraClients } from '../collectors/entra/clients.ts';
import type { GraphClientSettings } from '../collectors/entra/graphClient.ts';
import { collect as collectEntra, ENTRA_UNIT } from '../collectors/entra/collect.ts';
import { collect as collectK8s } from '../collectors/k8s-rbac/collect.ts';
import { AKS_ENTRA_SCOPE, unitName as k8sUnit } from '../collectors/k8s-rbac/fetch.ts';
import { userKubeconfig } from '../collectors/k8s-rbac/credentials.ts';
import { runBounded } from './runUnits.ts';

/** How one unit (one source × one scope) ended. */
export interface UnitOutcome {
  readonly unit: string;
  readonly status: 'ok' | CollectorFailureKind;
  readonly message?: string;
  /** For `denied`: the permission to grant. */
  readonly permission?: string;
  readonly objects: number;
  readonly durationMs: number;
}

export interface TenantCollection {
  readonly clusters: readonly AksCluster[];
  readonly kubernetes: ReadonlyMap<string, RbacObjects & K8sInventory>;
  readonly azure: {
    readonly roleDefinitions: readonly RoleDefinition[];
    readonly roleAssignments: readonly RoleAssignment[];
    readonly denyAssignments: readonly DenyAssignment[];
    readonly hierarchy: readonly ScopeParent[];
  };
  readonly entra: EntraDirectory;
  readonly units: readonly UnitOutcome[];
}

export interface CollectTenantOptions {
  readonly tenantId: string;
  readonly credential: TokenCredential;
  readonly arm?: ArmClientSettings;
  readonly graph?: GraphClientSettings;
  /** Requests in flight per stage (subscriptions, clusters). Default 4. */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /** Called as each unit ends (progress display). */
  readonly onUnit?: (outcome: UnitOutcome) => void;
  /** The clock, injected so the run can be timed without reaching for globals in tests. */
  readonly now?: () => number;
}

/**
 * One full collection of a tenant, unit by unit, in memory: tenant-level Azure RBAC and Entra, then per
 * subscription Azure RBAC and AKS clusters, then per cluster Kubernetes RBAC. A unit that fails is recorded
 * with its classification and the rest go on; its data is simply absent (the store keeps the last good copy).
 */
export async function collectTenant(options: CollectTenantOptions): Promise<TenantCollection> {
  const now = options.now ?? (() => performance.now());
  const concurrency = options.concurrency ?? 4;
  const retry = options.retry === undefined ? {} : { retry: options.retry };
  const azureClients = createAzureRbacClients(options.credential, options.arm);
  const aksClients = createAksClustersClients(options.credential, options.arm);
  const entraClients = createEntraClients(options.credential, options.graph);
  const units: UnitOutcome[] = [];

  async function unit<T>(name: string, run: () => Promise<T>, count: (value: T) => number): Promise<T | undefined> {
    const started = now();
    try {
      const value = await run();
      const outcome: UnitOutcome = { unit: name, status: 'ok', objects: count(value), durationMs: now() - started };
      units.push(outcome);
      options.onUnit?.(outcome);
      return value;
    } catch (error) {
      if (!(error instanceof CollectorError)) throw error;
      const outcome: UnitOutcome = {
        unit: name,
        status: error.kind,
        message: error.message,
        ...(error.permission === undefined ? {} : { permission: error.permission }),
        objects: 0,
        durationMs: now() - started,
      };
      units.push(outcome);
      options.onUnit?.(outcome);
      return undefined;
    }
  }

  const tenantScope = { kind: 'tenant' as const, tenantId: options.tenantId };
  const [tenant, entra] = await Promise.all([
    unit(azureUnit(tenantScope), () => collectAzureRbac(tenantScope, { clients: azureClients, ...retry }), (v) => v.azure.roleDefinitions.length + v.subscriptions.length),
    unit(ENTRA_UNIT, () => collectEntra({ tenantId: options.tenantId }, { clients: entraClients, ...retry }), (v) => v.users.length + v.groups.length + v.servicePrincipals.length),
  ]);
  const subscriptions = tenant?.subscriptions ?? [];

  const perSubscription = await runBounded(subscriptions, concurrency, async (s) => {
    const scope = { kind: 'subscription' as const, subscriptionId: s.subscriptionId };
    const [rbac, aks] = await Promise.all([
      unit(azureUnit(scope), () => collectAzureRbac(scope, { clients: azureClients, ...retry }), (v) => v.azure.roleAssignments.length + v.azure.denyAssignments.length + v.azure.roleDefinitions.length),
      unit(aksUnit(scope), () => collectAksClusters(scope, { clients: aksClients, ...retry }), (v) => v.clusters.length),
    ]);
    return { rbac, aks };
  });

  const clusters = perSubscription.flatMap((s) => s.aks?.clusters ?? []);
  const bearerToken = async () => {
    const token = await options.credential.getToken(AKS_ENTRA_SCOPE);
    if (token === null) throw new Error(`no token for ${AKS_ENTRA_SCOPE}`);
    return token.token;
  };
  const kubernetes = new Map<string, RbacObjects & K8sInventory>();
  await runBounded(clusters, concurrency, async (cluster) => {
    const collected = await unit(
      k8sUnit({ clusterId: cluster.id }),
      async () => {
        const kubeconfig = await userKubeconfig(aksClients.containerService(cluster.subscriptionId), cluster.id, options.retry);
        return collectK8s({ clusterId: cluster.id, kubeconfig, bearerToken }, retry);
      },
      (v) => v.roles.length + v.bindings.length,
    );
    if (collected !== undefined) kubernetes.set(cluster.id.toLowerCase(), collected);
  });

  const byId = <T extends { id: string }>(items: readonly T[]) => [...new Map(items.map((i) => [i.id.toLowerCase(), i])).values()];
  const azureParts = [tenant?.azure, ...perSubscription.map((s) => s.rbac?.azure)].filter((a) => a !== undefined);
  return {
    clusters,
    kubernetes,
    azure: {
      roleDefinitions: byId(azureParts.flatMap((a) => a.roleDefinitions)),
      roleAssignments: byId(azureParts.flatMap((a) => a.roleAssignments)),
      denyAssignments: byId(azureParts.flatMap((a) => a.denyAssignments)),
      hierarchy: tenant?.azure.hierarchy ?? [],
    },
    entra: entra ?? { users: [], groups: [], servicePrincipals: [] },
    units,
  };
}
