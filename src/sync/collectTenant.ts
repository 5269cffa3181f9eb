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
import { createAksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../collectors/entra/clients.ts';
import type { GraphClientSettings } from '../collectors/entra/graphClient.ts';
import type { UnitSnapshot } from '../store/IndexStore.ts';
import { snapshotObjects, unitCollectors } from './unitCollectors.ts';
import { unitLabel } from './units.ts';
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

  const collect = unitCollectors({ tenantId: options.tenantId, credential: options.credential, azureRbac: azureClients, aksClusters: aksClients, entra: entraClients, ...retry });
  type DataBySource = { [K in UnitSnapshot['source']]: Extract<UnitSnapshot, { source: K }>['data'] };
  const counted = async <S extends UnitSnapshot['source']>(source: S, scope: string): Promise<DataBySource[S] | undefined> => {
    const snapshot = await unit(unitLabel({ source, scope }), () => collect({ source, scope }), snapshotObjects);
    if (snapshot === undefined) return undefined;
    if (snapshot.source !== source) throw new Error(`unreachable: ${source} returned ${snapshot.source}`);
    return snapshot.data as DataBySource[S];
  };

  const [tenant, entra] = await Promise.all([counted('azure-rbac', 'tenant'), counted('entra', 'tenant')]);
  const subscriptions = tenant?.subscriptions ?? [];

  const perSubscription = await runBounded(subscriptions, concurrency, async (s) => {
    const [rbac, aks] = await Promise.all([counted('azure-rbac', `sub:${s.subscriptionId}`), counted('aks-clusters', `sub:${s.subscriptionId}`)]);
    return { rbac, aks };
  });

  const clusters = perSubscription.flatMap((s) => s.aks?.clusters ?? []);
  const kubernetes = new Map<string, RbacObjects & K8sInventory>();
  await runBounded(clusters, concurrency, async (cluster) => {
    const collected = await counted('k8s-rbac', `cluster:${cluster.id}`);
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
