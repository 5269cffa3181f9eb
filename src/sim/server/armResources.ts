import type { DenyAssignment, Permission, RoleAssignment, RoleDefinition } from '../../model/azureRbac.ts';
import type { FederatedCredentialJson } from '../scenario/scenarioFederatedCredentials.ts';
import type { SimManagedIdentity, SimManagementGroup, SimRegistry, SimSubnet, SimSubscription } from '../scenario/TenantScenario.ts';

/*
 * The scenario's objects as ARM returns them: `properties` wrapper, resource `type`, the read-only fields the
 * real service adds (timestamps, provisioning state), shaped on ../shared/reference/api-examples/arm/**.
 */

type ArmJson = Record<string, unknown>;

const CREATED_ON = '2024-03-11T09:21:54.1726517Z';
const MG_ID_PREFIX = '/providers/Microsoft.Management/managementGroups/';

const lastSegment = (id: string): string => id.split('/').filter((s) => s !== '').at(-1) ?? id;

export function managementGroupId(name: string): string {
  return `${MG_ID_PREFIX}${name}`;
}

export function subscriptionJson(subscription: SimSubscription, tenantId: string): ArmJson {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: subscription.subscriptionId,
    tenantId,
    displayName: subscription.displayName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

/** An item of `managementGroups/{name}/descendants` (GetDescendants.json shape). */
export function managementGroupDescendantJson(group: SimManagementGroup): ArmJson {
  return {
    id: managementGroupId(group.name),
    type: 'Microsoft.Management/managementGroups',
    name: group.name,
    properties: { displayName: group.displayName, ...(group.parent === undefined ? {} : { parent: { id: managementGroupId(group.parent) } }) },
  };
}

export function subscriptionDescendantJson(subscription: SimSubscription): ArmJson {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    type: 'Microsoft.Management/managementGroups/subscriptions',
    name: subscription.subscriptionId,
    properties: { displayName: subscription.displayName, parent: { id: managementGroupId(subscription.managementGroup) } },
  };
}

/** A management group as `GET managementGroups` lists it (ManagementGroupInfo). */
export function managementGroupInfoJson(group: SimManagementGroup, tenantId: string): ArmJson {
  return { id: managementGroupId(group.name), type: 'Microsoft.Management/managementGroups', name: group.name, properties: { tenantId, displayName: group.displayName } };
}

function permissionJson(p: Permission): ArmJson {
  return { actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions] };
}

export function roleDefinitionJson(definition: RoleDefinition): ArmJson {
  return {
    properties: {
      roleName: definition.roleName,
      type: definition.roleType,
      description: definition.roleName,
      assignableScopes: [...definition.assignableScopes],
      permissions: definition.permissions.map(permissionJson),
      createdOn: CREATED_ON,
      updatedOn: CREATED_ON,
      createdBy: null,
      updatedBy: null,
    },
    id: definition.id,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: definition.name,
  };
}

/** An active role assignment, with the full 2022-04-01 property set (nulls where unset, as ARM sends them). */
export function roleAssignmentJson(assignment: RoleAssignment): ArmJson {
  return {
    properties: {
      roleDefinitionId: assignment.roleDefinitionId,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: assignment.condition ?? null,
      conditionVersion: assignment.conditionVersion ?? null,
      createdOn: CREATED_ON,
      updatedOn: CREATED_ON,
      createdBy: '8d6b4c3a-0f1e-4a57-9c1b-2f3e4d5c6b7a',
      updatedBy: '8d6b4c3a-0f1e-4a57-9c1b-2f3e4d5c6b7a',
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: assignment.id,
    type: 'Microsoft.Authorization/roleAssignments',
    name: lastSegment(assignment.id),
  };
}

/** A PIM eligibility (GetRoleEligibilityScheduleInstancesByScope.json shape). */
export function roleEligibilityScheduleInstanceJson(assignment: RoleAssignment): ArmJson {
  const name = lastSegment(assignment.id);
  return {
    properties: {
      scope: assignment.scope,
      roleDefinitionId: assignment.roleDefinitionId,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      status: 'Provisioned',
      roleEligibilityScheduleId: `${assignment.scope}/providers/Microsoft.Authorization/RoleEligibilitySchedules/${name}`,
      startDateTime: assignment.startDateTime ?? CREATED_ON,
      endDateTime: assignment.endDateTime ?? null,
      memberType: 'Direct',
      createdOn: CREATED_ON,
      condition: assignment.condition ?? null,
      conditionVersion: assignment.conditionVersion ?? null,
      expandedProperties: {
        scope: { id: assignment.scope, displayName: lastSegment(assignment.scope), type: assignment.scope.toLowerCase().includes('/resourcegroups/') ? 'resourcegroup' : 'subscription' },
        roleDefinition: { id: assignment.roleDefinitionId, displayName: lastSegment(assignment.roleDefinitionId), type: 'BuiltInRole' },
        principal: { id: assignment.principalId, displayName: assignment.principalName ?? assignment.principalId, email: assignment.principalName ?? null, type: assignment.principalType },
      },
    },
    name,
    id: assignment.id,
    type: 'Microsoft.Authorization/RoleEligibilityScheduleInstances',
  };
}

export function denyAssignmentJson(deny: DenyAssignment): ArmJson {
  return {
    properties: {
      denyAssignmentName: deny.name,
      description: deny.name,
      permissions: deny.permissions.map(permissionJson),
      scope: deny.scope,
      doNotApplyToChildScopes: deny.doNotApplyToChildScopes,
      principals: deny.principals.map((p) => ({ id: p.id, type: p.type })),
      excludePrincipals: deny.excludePrincipals.map((p) => ({ id: p.id, type: p.type })),
      isSystemProtected: true,
    },
    id: deny.id,
    type: 'Microsoft.Authorization/denyAssignments',
    name: lastSegment(deny.id),
  };
}

export function subnetJson(subnet: SimSubnet): ArmJson {
  return {
    id: subnet.id,
    name: lastSegment(subnet.id),
    etag: 'W/"4b9d0a3c-5e1f-4c8e-9a7b-1d2e3f4a5b6c"',
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix: subnet.addressPrefix,
      ...(subnet.networkSecurityGroupId === undefined ? {} : { networkSecurityGroup: { id: subnet.networkSecurityGroupId } }),
      ...(subnet.routeTableId === undefined ? {} : { routeTable: { id: subnet.routeTableId } }),
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
    type: 'Microsoft.Network/virtualNetworks/subnets',
  };
}

export function registryJson(registry: SimRegistry): ArmJson {
  return {
    id: registry.id,
    name: registry.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: registry.location,
    tags: {},
    sku: { name: 'Standard', tier: 'Standard' },
    properties: {
      loginServer: registry.loginServer,
      creationDate: '2024-03-11T09:21:54.1537861Z',
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      networkRuleSet: { defaultAction: 'Allow', ipRules: [] },
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: '2024-03-11T09:25:12.8506835+00:00', status: 'disabled' },
        exportPolicy: { status: 'enabled' },
      },
      encryption: { status: 'disabled' },
      status: null,
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      zoneRedundancy: 'Disabled',
    },
  };
}

/** A user-assigned managed identity as `userAssignedIdentities` lists return it (api-version 2024-11-30). */
export function userAssignedIdentityJson(identity: SimManagedIdentity): ArmJson {
  return {
    id: identity.id,
    name: identity.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: identity.location,
    tags: {},
    properties: { tenantId: identity.tenantId, principalId: identity.principalId, clientId: identity.clientId, isolationScope: 'None' },
  };
}

/** A federated identity credential as ARM returns it: what the az CLI prints flattened, under `properties`. */
export function federatedIdentityCredentialJson(credential: FederatedCredentialJson): ArmJson {
  return {
    id: credential.id,
    name: credential.name,
    type: credential.type,
    properties: { issuer: credential.issuer, subject: credential.subject, audiences: [...credential.audiences] },
  };
}

/**
 * The `malformed` content fault: a copy of the item without a field the client cannot do without
 * (`properties.principalId`, `id`, …), found by path.
 */
export function withoutField(item: ArmJson, path: readonly string[]): ArmJson {
  const [head, ...rest] = path;
  if (head === undefined) return item;
  if (rest.length === 0) return Object.fromEntries(Object.entries(item).filter(([k]) => k !== head));
  const child = item[head];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return item;
  return { ...item, [head]: withoutField(child as ArmJson, rest) };
}
