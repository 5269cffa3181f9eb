/**
 * A small simulated tenant for the ARM and Microsoft Graph tests: a three-level management-group tree with a
 * subscription at each level, role assignments at every kind of scope (root, management groups, subscription,
 * resource group, cluster), PIM eligibilities, deny assignments, custom roles assignable at different levels,
 * four clusters (Azure RBAC, local accounts, private with a private DNS zone, one in another subscription
 * whose subnet sits in the first), registries, and a directory with nested groups and a managed identity.
 */
import type { DenyAssignment, Permission, RoleAssignment, RoleDefinition } from '../../src/model/azureRbac.ts';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../src/model/entra.ts';
import type { SimCluster, TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const S1 = '11111111-1111-4111-8111-111111111111';
export const S2 = '22222222-2222-4222-8222-222222222222';
export const S3 = '33333333-3333-4333-8333-333333333333';
export const MG = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
export const SUB = (id: string) => `/subscriptions/${id}`;
export const RG = (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`;
export const CLUSTER = (sub: string, rg: string, name: string) => `${RG(sub, rg)}/providers/Microsoft.ContainerService/managedClusters/${name}`;

export const AKS_PROD = CLUSTER(S1, 'rg-aks', 'aks-prod');
export const AKS_LOCAL = CLUSTER(S1, 'rg-aks', 'aks-local');
export const AKS_PRIVATE = CLUSTER(S1, 'rg-private', 'aks-private');
export const AKS_S2 = CLUSTER(S2, 'rg-apps', 'aks-apps');
export const SUBNET_AKS = `${RG(S1, 'rg-net')}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-aks`;
export const SUBNET_APPS = `${RG(S1, 'rg-net')}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apps`;
export const PRIVATE_DNS_ZONE = `${RG(S1, 'rg-dns')}/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;

const perm = (p: Partial<Permission>): Permission => ({ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p });

const builtIn = (name: string, roleName: string, permission: Partial<Permission>): RoleDefinition => ({
  id: `/providers/Microsoft.Authorization/roleDefinitions/${name}`,
  name,
  roleName,
  roleType: 'BuiltInRole',
  permissions: [perm(permission)],
  assignableScopes: ['/'],
});

const custom = (name: string, roleName: string, scope: string, permission: Partial<Permission>): RoleDefinition => ({
  id: `/subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
  name,
  roleName,
  roleType: 'CustomRole',
  permissions: [perm(permission)],
  assignableScopes: [scope],
});

export const ROLE = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  rbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  rbacWriter: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
  clusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  opsCustom: 'c0000001-0000-4000-8000-000000000001',
  auditorCustom: 'c0000002-0000-4000-8000-000000000002',
  rgHelperCustom: 'c0000003-0000-4000-8000-000000000003',
} as const;

const roleDefinitions: RoleDefinition[] = [
  builtIn(ROLE.reader, 'Reader', { actions: ['*/read'] }),
  builtIn(ROLE.contributor, 'Contributor', { actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write'] }),
  builtIn(ROLE.rbacReader, 'Azure Kubernetes Service RBAC Reader', { actions: ['Microsoft.Resources/subscriptions/resourceGroups/read'], dataActions: ['Microsoft.ContainerService/managedClusters/pods/read'] }),
  builtIn(ROLE.rbacWriter, 'Azure Kubernetes Service RBAC Writer', { dataActions: ['Microsoft.ContainerService/managedClusters/*/write'], notDataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'] }),
  builtIn(ROLE.clusterUser, 'Azure Kubernetes Service Cluster User Role', { actions: ['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'] }),
  custom(ROLE.opsCustom, 'Cluster Operator (custom)', SUB(S1), { actions: ['Microsoft.ContainerService/managedClusters/runCommand/action'] }),
  custom(ROLE.auditorCustom, 'Platform Auditor (custom)', MG('mg-platform'), { actions: ['Microsoft.Authorization/*/read'] }),
  custom(ROLE.rgHelperCustom, 'RG Helper (custom)', RG(S1, 'rg-aks'), { actions: ['Microsoft.Resources/deployments/*'] }),
];

export const USER = {
  alice: 'a11ce000-0000-4000-8000-000000000001',
  bob: 'b0b00000-0000-4000-8000-000000000002',
  carol: 'ca201000-0000-4000-8000-000000000003',
  dave: 'da7e0000-0000-4000-8000-000000000004',
  erin: 'e2140000-0000-4000-8000-000000000005',
} as const;
export const GROUP = {
  eng: '9e000000-0000-4000-8000-0000000000e1',
  payments: '9e000000-0000-4000-8000-0000000000e2',
  admins: '9e000000-0000-4000-8000-0000000000e3',
} as const;
export const SP = {
  deployer: '5b000000-0000-4000-8000-000000000051',
  kubelet: '5b000000-0000-4000-8000-000000000052',
  app: '5b000000-0000-4000-8000-000000000053',
} as const;

const roleDefinitionId = (sub: string, role: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`;

const active = (n: number, scope: string, principalId: string, principalType: RoleAssignment['principalType'], role: string, extra: Partial<RoleAssignment> = {}): RoleAssignment => ({
  id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/0000000${n}-aaaa-4bbb-8ccc-00000000000${n}`,
  scope,
  principalId,
  principalType,
  roleDefinitionId: roleDefinitionId(S1, role),
  state: 'active',
  ...extra,
});

const eligible = (n: number, scope: string, principalId: string, role: string, principalName: string): RoleAssignment => ({
  id: `${scope}/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/e000000${n}-eeee-4eee-8eee-00000000000${n}`,
  scope,
  principalId,
  principalType: 'User',
  roleDefinitionId: roleDefinitionId(S1, role),
  state: 'eligible',
  startDateTime: '2025-01-01T08:00:00Z',
  endDateTime: '2026-01-01T08:30:15.25Z',
  principalName,
});

/** Assignment ids by where they sit, so tests say which ones a scope must see. */
export const ASSIGNMENT = {
  root: active(1, '/', GROUP.admins, 'Group', ROLE.reader),
  platform: active(2, MG('mg-platform'), GROUP.eng, 'Group', ROLE.auditorCustom),
  prod: active(3, MG('mg-prod'), USER.alice, 'User', ROLE.contributor),
  s1: active(4, SUB(S1), SP.deployer, 'ServicePrincipal', ROLE.contributor),
  s1RgAks: active(5, RG(S1, 'rg-aks'), GROUP.payments, 'Group', ROLE.rbacWriter),
  s1Cluster: active(6, AKS_PROD, USER.bob, 'User', ROLE.rbacReader, {
    condition: "@Resource[Microsoft.ContainerService/managedClusters/namespaces:name] StringEquals 'payments'",
    conditionVersion: '2.0',
  }),
  s2: active(7, SUB(S2), USER.carol, 'User', ROLE.reader),
  s3: active(8, SUB(S3), USER.dave, 'User', ROLE.reader),
  s1RgOther: active(9, RG(S1, 'rg-private'), SP.app, 'ServicePrincipal', ROLE.clusterUser),
} as const;

export const ELIGIBLE = {
  s1RgAks: eligible(1, RG(S1, 'rg-aks'), USER.erin, ROLE.rbacWriter, 'erin@contoso.com'),
  platform: eligible(2, MG('mg-platform'), USER.alice, ROLE.contributor, 'alice@contoso.com'),
} as const;

export const DENY: Record<'s1' | 's2', DenyAssignment> = {
  s1: {
    id: `${SUB(S1)}/providers/Microsoft.Authorization/denyAssignments/d0000001-dddd-4ddd-8ddd-000000000001`,
    name: 'Deny secrets to everyone but break-glass',
    scope: SUB(S1),
    permissions: [perm({ dataActions: ['Microsoft.ContainerService/managedClusters/secrets/*'] })],
    principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }],
    excludePrincipals: [{ id: GROUP.admins, type: 'Group' }],
    doNotApplyToChildScopes: false,
  },
  s2: {
    id: `${RG(S2, 'rg-apps')}/providers/Microsoft.Authorization/denyAssignments/d0000002-dddd-4ddd-8ddd-000000000002`,
    name: 'Managed application lock',
    scope: RG(S2, 'rg-apps'),
    permissions: [perm({ actions: ['*'], notActions: ['*/read'] })],
    principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }],
    excludePrincipals: [],
    doNotApplyToChildScopes: true,
  },
};

const EMPTY_KUBERNETES: SimCluster['kubernetes'] = { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [] };

function managedCluster(id: string, properties: Record<string, unknown>, identity: Record<string, unknown> = { type: 'SystemAssigned', principalId: SP.deployer, tenantId: TENANT }): SimCluster {
  const name = id.split('/').at(-1) ?? '';
  return {
    arm: {
      id,
      location: 'westeurope',
      name,
      tags: { env: 'test' },
      type: 'Microsoft.ContainerService/ManagedClusters',
      eTag: 'beywbwei',
      identity,
      properties: {
        provisioningState: 'Succeeded',
        kubernetesVersion: '1.31.2',
        currentKubernetesVersion: '1.31.2',
        dnsPrefix: name,
        fqdn: `${name}-abcd1234.hcp.westeurope.azmk8s.io`,
        nodeResourceGroup: `MC_${id.split('/')[4] ?? ''}_${name}_westeurope`,
        enableRBAC: true,
        agentPoolProfiles: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_DS2_v2', osType: 'Linux', mode: 'System' }],
        identityProfile: {
          kubeletidentity: {
            resourceId: `${RG(S1, `MC_${name}`)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
            clientId: '0f1e2d3c-0000-4000-8000-00000000c1d0',
            objectId: SP.kubelet,
          },
        },
        ...properties,
      },
    },
    kubernetes: EMPTY_KUBERNETES,
  };
}

const users: EntraUser[] = [
  { kind: 'user', id: USER.alice, userPrincipalName: 'alice@contoso.com', displayName: 'Alice Admin' },
  { kind: 'user', id: USER.bob, userPrincipalName: 'bob@contoso.com', displayName: 'Bob Builder' },
  { kind: 'user', id: USER.carol, userPrincipalName: 'carol@contoso.com', displayName: 'Carol Ops' },
  { kind: 'user', id: USER.dave, userPrincipalName: 'dave@contoso.com', displayName: 'Dave Dev' },
  { kind: 'user', id: USER.erin, userPrincipalName: 'erin@contoso.com', displayName: 'Erin Oncall' },
];

const groups: EntraGroup[] = [
  // eng ⊃ payments ⊃ admins ⊃ eng: nesting with a cycle, as Entra allows.
  { kind: 'group', id: GROUP.eng, displayName: 'eng', memberIds: [USER.alice, GROUP.payments, SP.app] },
  { kind: 'group', id: GROUP.payments, displayName: 'payments-devs', memberIds: [USER.bob, USER.carol, GROUP.admins] },
  { kind: 'group', id: GROUP.admins, displayName: 'aks-admins', memberIds: [USER.dave, GROUP.eng] },
];

const servicePrincipals: EntraServicePrincipal[] = [
  { kind: 'servicePrincipal', id: SP.deployer, appId: 'a0000000-0000-4000-8000-0000000000a1', displayName: 'ci-deployer', servicePrincipalType: 'Application' },
  { kind: 'servicePrincipal', id: SP.kubelet, appId: '0f1e2d3c-0000-4000-8000-00000000c1d0', displayName: 'aks-prod-agentpool', servicePrincipalType: 'ManagedIdentity' },
  { kind: 'servicePrincipal', id: SP.app, appId: 'a0000000-0000-4000-8000-0000000000a3', displayName: 'payments-api', servicePrincipalType: 'Application' },
];

export function armGraphScenario(): TenantScenario {
  return {
    tenantId: TENANT,
    managementGroups: [
      { name: TENANT, displayName: 'Tenant Root Group' },
      { name: 'mg-platform', displayName: 'Platform', parent: TENANT },
      { name: 'mg-prod', displayName: 'Production', parent: 'mg-platform' },
    ],
    subscriptions: [
      { subscriptionId: S1, displayName: 'contoso-prod', managementGroup: 'mg-prod' },
      { subscriptionId: S2, displayName: 'contoso-apps', managementGroup: 'mg-platform' },
      { subscriptionId: S3, displayName: 'contoso-sandbox', managementGroup: TENANT },
    ],
    azure: {
      roleDefinitions,
      roleAssignments: [...Object.values(ASSIGNMENT), ...Object.values(ELIGIBLE)],
      denyAssignments: Object.values(DENY),
      hierarchy: [],
    },
    entra: { users, groups, servicePrincipals },
    clusters: [
      managedCluster(AKS_PROD, {
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [GROUP.admins], tenantID: TENANT },
        disableLocalAccounts: true,
        agentPoolProfiles: [
          { name: 'system', count: 3, vmSize: 'Standard_DS2_v2', osType: 'Linux', mode: 'System', vnetSubnetID: SUBNET_AKS },
          { name: 'user', count: 2, vmSize: 'Standard_DS2_v2', osType: 'Linux', mode: 'User', vnetSubnetID: SUBNET_AKS.replace('snet-aks', 'SNET-AKS') },
        ],
      }),
      managedCluster(AKS_LOCAL, { disableLocalAccounts: false }),
      managedCluster(
        AKS_PRIVATE,
        {
          aadProfile: { managed: true, enableAzureRBAC: false, adminGroupObjectIDs: [GROUP.eng], tenantID: TENANT },
          apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: PRIVATE_DNS_ZONE },
        },
        {
          type: 'UserAssigned',
          userAssignedIdentities: {
            [`${RG(S1, 'rg-identity')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-private`]: { principalId: SP.app, clientId: 'a0000000-0000-4000-8000-0000000000a3' },
          },
        },
      ),
      managedCluster(AKS_S2, {
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: null, tenantID: TENANT },
        agentPoolProfiles: [{ name: 'system', count: 1, vmSize: 'Standard_DS2_v2', osType: 'Linux', mode: 'System', vnetSubnetID: SUBNET_APPS }],
      }),
    ],
    registries: [
      { id: `${RG(S1, 'rg-acr')}/providers/Microsoft.ContainerRegistry/registries/contosoprod`, name: 'contosoprod', loginServer: 'contosoprod.azurecr.io', location: 'westeurope' },
      { id: `${RG(S1, 'rg-acr')}/providers/Microsoft.ContainerRegistry/registries/contosotools`, name: 'contosotools', loginServer: 'contosotools.azurecr.io', location: 'westeurope' },
      { id: `${RG(S1, 'rg-aks')}/providers/Microsoft.ContainerRegistry/registries/contosocache`, name: 'contosocache', loginServer: 'contosocache.azurecr.io', location: 'northeurope' },
      { id: `${RG(S2, 'rg-apps')}/providers/Microsoft.ContainerRegistry/registries/contosoapps`, name: 'contosoapps', loginServer: 'contosoapps.azurecr.io', location: 'westeurope' },
    ],
    subnets: [
      {
        id: SUBNET_AKS,
        addressPrefix: '10.10.0.0/22',
        routeTableId: `${RG(S1, 'rg-net')}/providers/Microsoft.Network/routeTables/rt-egress`,
        networkSecurityGroupId: `${RG(S1, 'rg-net')}/providers/Microsoft.Network/networkSecurityGroups/nsg-aks`,
      },
      { id: SUBNET_APPS, addressPrefix: '10.10.8.0/24' },
    ],
  };
}
