import type { AzureRbacData } from '../../model/azureRbac.ts';
import type { EntraDirectory } from '../../model/entra.ts';
import type { RbacObjects } from '../../model/k8sRbac.ts';
import type { K8sInventory } from '../../model/k8sInventory.ts';
import type { FaultRule } from '../server/faults.ts';

/**
 * A simulated tenant, fully resolved (ids, not names): what the simulated ARM, Graph and Kubernetes servers
 * serve, and what a collector run against them must return. Scenario YAML files and the synthetic generator
 * both produce this.
 */
export interface TenantScenario {
  readonly tenantId: string;
  readonly managementGroups: readonly SimManagementGroup[];
  readonly subscriptions: readonly SimSubscription[];
  /** Role definitions (built-in and custom), role assignments (active and eligible), deny assignments. */
  readonly azure: AzureRbacData;
  readonly entra: EntraDirectory;
  readonly clusters: readonly SimCluster[];
  readonly registries: readonly SimRegistry[];
  readonly subnets: readonly SimSubnet[];
  /** Faults the simulated tenant injects from the start (a scenario's `faults:` section). */
  readonly faults?: readonly FaultRule[];
  /** Resource groups (declared ones and AKS node resource groups), for servers that list them. */
  readonly resourceGroups?: readonly SimResourceGroup[];
  /** User-assigned managed identities (their service principals are in `entra.servicePrincipals`). */
  readonly managedIdentities?: readonly SimManagedIdentity[];
}

export interface SimResourceGroup {
  readonly subscriptionId: string;
  readonly name: string;
  readonly location: string;
}

export interface SimManagedIdentity {
  /** ARM id of the Microsoft.ManagedIdentity/userAssignedIdentities resource. */
  readonly id: string;
  readonly name: string;
  readonly location: string;
  /** Object id of its service principal. */
  readonly principalId: string;
  /** Application (client) id; what `azure.workload.identity/client-id` annotations carry. */
  readonly clientId: string;
  readonly tenantId: string;
}

export interface SimManagementGroup {
  /** The management group name (its id is /providers/Microsoft.Management/managementGroups/NAME). */
  readonly name: string;
  readonly displayName: string;
  /** Parent management group name; undefined for the tenant root group. */
  readonly parent?: string;
}

export interface SimSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly managementGroup: string;
}

export interface SimCluster {
  /** ARM managedCluster resource exactly as GET returns it (`properties` wrapper, `identity`, …). */
  readonly arm: Readonly<Record<string, unknown>>;
  readonly kubernetes: RbacObjects & K8sInventory;
}

export interface SimRegistry {
  /** ARM id of the Microsoft.ContainerRegistry/registries resource. */
  readonly id: string;
  readonly name: string;
  readonly loginServer: string;
  readonly location: string;
}

export interface SimSubnet {
  /** ARM id of …/virtualNetworks/VNET/subnets/SUBNET. */
  readonly id: string;
  readonly addressPrefix: string;
  readonly routeTableId?: string;
  readonly networkSecurityGroupId?: string;
}
