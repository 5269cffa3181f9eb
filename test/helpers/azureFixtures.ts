/**
 * Builders for small cross-plane worlds in tests: clusters, Entra principals, Azure role / deny
 * assignments, and a few Kubernetes RBAC objects, plus the real built-in role definitions from
 * examples/azure/role-definitions.json (identical to the published ones in shared/reference).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AksCluster } from '../../src/model/aksCluster.ts';
import type { DenyAssignment, Permission, RoleAssignment, RoleDefinition, ScopeParent } from '../../src/model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../src/model/entra.ts';
import type { Binding, PolicyRule, RbacObjects, Role, Subject } from '../../src/model/k8sRbac.ts';
import { extractAzureObjects } from '../../src/normalize/extractAzureObjects.ts';
import { buildAccessModel, type AccessModel } from '../../src/engine/access/accessModel.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The role definitions of examples/azure (17 built-ins as published + one Contoso custom role). */
export function exampleRoleDefinitions(): RoleDefinition[] {
  const value = JSON.parse(readFileSync(`${ROOT}examples/azure/role-definitions.json`, 'utf8')) as unknown;
  return [...extractAzureObjects([{ value, source: 'examples/azure/role-definitions.json' }]).azure.roleDefinitions];
}

/** Built-in role GUIDs (the `name` of the definition). */
export const ROLE = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  clusterAdminRole: '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8',
  clusterUserRole: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  aksContributorRole: 'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
  rbacAdmin: '3498e952-d568-435e-9b2c-8d77e338d7f7',
  rbacClusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
  rbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  rbacWriter: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  contosoNoSecrets: '5e1f7a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b',
} as const;

export const SUB_ID = '11111111-1111-1111-1111-111111111111';
export const SUB = `/subscriptions/${SUB_ID}`;
export const OTHER_SUB = '/subscriptions/22222222-2222-2222-2222-222222222222';
export const rg = (name: string, sub = SUB) => `${sub}/resourceGroups/${name}`;
export const clusterId = (name: string, group = 'rg-aks', sub = SUB) => `${sub}/resourcegroups/${group}/providers/Microsoft.ContainerService/managedClusters/${name}`;
export const mg = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
export const nsScope = (cluster: string, ns: string) => `${cluster}/namespaces/${ns}`;

export function cluster(name: string, fields: Partial<AksCluster> = {}): AksCluster {
  const id = fields.id ?? clusterId(name);
  return {
    id,
    name,
    subscriptionId: SUB_ID,
    resourceGroup: 'rg-aks',
    entraIntegration: true,
    azureRbac: true,
    adminGroupObjectIds: [],
    localAccountsEnabled: false,
    kubernetesRbac: true,
    ...fields,
  };
}

export const user = (id: string, upn: string, displayName?: string): EntraUser => ({ kind: 'user', id, userPrincipalName: upn, ...(displayName === undefined ? {} : { displayName }) });
export const group = (id: string, memberIds: string[], displayName?: string): EntraGroup => ({ kind: 'group', id, memberIds, ...(displayName === undefined ? {} : { displayName }) });
export const servicePrincipal = (id: string, type = 'Application', displayName?: string): EntraServicePrincipal => ({
  kind: 'servicePrincipal',
  id,
  servicePrincipalType: type,
  ...(displayName === undefined ? {} : { displayName }),
});

let counter = 0;
export function assignment(principalId: string, roleGuid: string, scope: string, extra: Partial<RoleAssignment> = {}): RoleAssignment {
  counter++;
  return {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/ra-${counter}`,
    scope,
    principalId,
    principalType: 'User',
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    state: 'active',
    ...extra,
  };
}

export const block = (fields: Partial<Permission>): Permission => ({ actions: [], notActions: [], dataActions: [], notDataActions: [], ...fields });

export function customRole(guid: string, roleName: string, permissions: Permission[]): RoleDefinition {
  return { id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`, name: guid, roleName, roleType: 'CustomRole', permissions, assignableScopes: [SUB] };
}

export function deny(name: string, scope: string, dataActions: string[], principals: string[], extra: Partial<DenyAssignment> = {}): DenyAssignment {
  return {
    id: `${scope}/providers/Microsoft.Authorization/denyAssignments/${name}`,
    name,
    scope,
    permissions: [block({ dataActions })],
    principals: principals.map((id) => ({ id, type: 'User' })),
    excludePrincipals: [],
    doNotApplyToChildScopes: false,
    ...extra,
  };
}

// --- Kubernetes RBAC -------------------------------------------------------------------------------

const RBAC = 'rbac.authorization.k8s.io';
export const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []): PolicyRule => ({ verbs, apiGroups, resources, resourceNames, nonResourceURLs: [] });
export const clusterRole = (name: string, rules: PolicyRule[]): Role => ({ kind: 'ClusterRole', name, namespace: '', labels: {}, rules, source: 'test' });
export const nsRole = (namespace: string, name: string, rules: PolicyRule[]): Role => ({ kind: 'Role', name, namespace, labels: {}, rules, source: 'test' });
export const userSubject = (name: string): Subject => ({ kind: 'User', name, namespace: '', apiGroup: RBAC });
export const groupSubject = (name: string): Subject => ({ kind: 'Group', name, namespace: '', apiGroup: RBAC });
export const saSubject = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace, apiGroup: '' });
export const clusterRoleBinding = (name: string, roleName: string, subjects: Subject[]): Binding => ({
  kind: 'ClusterRoleBinding',
  name,
  namespace: '',
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName },
  subjects,
  source: 'test',
});
export const roleBinding = (namespace: string, name: string, ref: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): Binding => ({
  kind: 'RoleBinding',
  name,
  namespace,
  roleRef: { apiGroup: RBAC, ...ref },
  subjects,
  source: 'test',
});
export const rbacObjects = (...objects: (Role | Binding)[]): RbacObjects => ({
  roles: objects.filter((o): o is Role => o.kind === 'Role' || o.kind === 'ClusterRole'),
  bindings: objects.filter((o): o is Binding => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding'),
});

// --- the model ------------------------------------------------------------------------------------

export interface World {
  readonly clusters: readonly AksCluster[];
  readonly kubernetes?: readonly (readonly [AksCluster, RbacObjects])[];
  readonly roles?: readonly RoleDefinition[];
  readonly assignments?: readonly RoleAssignment[];
  readonly denies?: readonly DenyAssignment[];
  readonly hierarchy?: readonly ScopeParent[];
  readonly users?: readonly EntraUser[];
  readonly groups?: readonly EntraGroup[];
  readonly servicePrincipals?: readonly EntraServicePrincipal[];
}

let builtins: RoleDefinition[] | undefined;

/** A model over the given world; role definitions default to the example (real built-in) ones. */
export function world(w: World): AccessModel {
  builtins ??= exampleRoleDefinitions();
  return buildAccessModel({
    clusters: w.clusters,
    kubernetes: new Map((w.kubernetes ?? []).map(([c, objects]) => [c.id, objects])),
    azure: { roleDefinitions: [...builtins, ...(w.roles ?? [])], roleAssignments: w.assignments ?? [], denyAssignments: w.denies ?? [], hierarchy: w.hierarchy ?? [] },
    entra: { users: w.users ?? [], groups: w.groups ?? [], servicePrincipals: w.servicePrincipals ?? [] },
  });
}
