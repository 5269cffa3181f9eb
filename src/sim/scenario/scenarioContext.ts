import type { DenyAssignment, RoleAssignment, RoleDefinition } from '../../model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../model/entra.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';
import type { SimManagedIdentity, SimManagementGroup, SimRegistry, SimSubnet } from './TenantScenario.ts';
import type { ManagedClusterSpec } from './managedClusterResource.ts';
import { uuidV5 } from './deterministicIds.ts';

/** What a scenario file declares, by name, while it is being resolved into ids. */

export interface ResourceGroupEntry {
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  readonly name: string;
  readonly location: string;
}

export interface SubscriptionEntry {
  /** The short name references use (`sub:prod`, `prod/rg-aks`). */
  readonly name: string;
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly managementGroup: string;
  /** By lower-case name. */
  readonly resourceGroups: Map<string, ResourceGroupEntry>;
}

export type PrincipalKind = 'user' | 'group' | 'servicePrincipal';

export interface PrincipalEntry {
  readonly kind: PrincipalKind;
  /** The name references use: a user's UPN, otherwise the display name. */
  readonly name: string;
  readonly id: string;
  readonly principalType: 'User' | 'Group' | 'ServicePrincipal';
  /** How Kubernetes sees it: a user by UPN, a group / service principal / managed identity by object id. */
  readonly kubernetesName: string;
  /** Application (client) id of service principals and managed identities. */
  readonly clientId?: string;
  /** Where it was declared, for "declared twice" errors (`users[3]`, `clusters[1] (its system-assigned identity)`). */
  readonly declaredAt: string;
}

export interface VnetEntry {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: ResourceGroupEntry;
}

export interface SubnetEntry extends SimSubnet {
  readonly name: string;
  readonly vnet: VnetEntry;
}

export interface RegistryEntry extends SimRegistry {
  readonly resourceGroup: ResourceGroupEntry;
}

export interface ManagedIdentityEntry extends SimManagedIdentity {
  readonly resourceGroup: ResourceGroupEntry;
}

export interface ClusterEntry {
  readonly name: string;
  /** Canonical ARM id (`resourceGroups`), the scope of its role assignments. */
  readonly id: string;
  readonly resourceGroup: ResourceGroupEntry;
  readonly spec: ManagedClusterSpec;
  /** The `clusters[i]` entry, for the Kubernetes content parsed later. */
  readonly at: Cursor;
}

export interface ScenarioContext {
  readonly doc: ScenarioDocument;
  readonly tenantName: string;
  readonly tenantId: string;
  readonly defaultLocation: string;
  readonly managementGroups: Map<string, SimManagementGroup>;
  readonly subscriptions: Map<string, SubscriptionEntry>;
  readonly principals: Map<string, PrincipalEntry>;
  readonly managedIdentities: Map<string, ManagedIdentityEntry>;
  readonly vnets: Map<string, VnetEntry>;
  readonly subnets: Map<string, SubnetEntry>;
  readonly registries: Map<string, RegistryEntry>;
  readonly clusters: ClusterEntry[];
  /** Built-in and custom roles by lower-case role name. */
  readonly roles: Map<string, RoleDefinition>;
  readonly users: EntraUser[];
  readonly groups: EntraGroup[];
  readonly servicePrincipals: EntraServicePrincipal[];
  readonly roleAssignments: RoleAssignment[];
  readonly denyAssignments: DenyAssignment[];
}

/** The derived id of a named thing: stable for a name, different across tenants and kinds. */
export function derivedId(ctx: Pick<ScenarioContext, 'tenantName'>, kind: string, key: string): string {
  return uuidV5(`${ctx.tenantName.toLowerCase()}/${kind}/${key.toLowerCase()}`);
}

export const lower = (s: string): string => s.toLowerCase();
