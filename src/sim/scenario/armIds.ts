/** ARM resource ids, spelled the way ARM returns them for resources the scenario declares. */

export const managementGroupId = (name: string): string => `/providers/Microsoft.Management/managementGroups/${name}`;

export const subscriptionScope = (subscriptionId: string): string => `/subscriptions/${subscriptionId}`;

export const resourceGroupId = (subscriptionId: string, resourceGroup: string): string => `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;

/** `…/resourceGroups/RG/providers/NAMESPACE/TYPE/NAME` (type may have several segments: `virtualNetworks/V/subnets`). */
export const resourceId = (subscriptionId: string, resourceGroup: string, providerType: string, name: string): string =>
  `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${providerType}/${name}`;

export const MANAGED_CLUSTERS = 'Microsoft.ContainerService/managedClusters';
export const REGISTRIES = 'Microsoft.ContainerRegistry/registries';
export const VIRTUAL_NETWORKS = 'Microsoft.Network/virtualNetworks';
export const ROUTE_TABLES = 'Microsoft.Network/routeTables';
export const NETWORK_SECURITY_GROUPS = 'Microsoft.Network/networkSecurityGroups';
export const PRIVATE_DNS_ZONES = 'Microsoft.Network/privateDnsZones';
export const USER_ASSIGNED_IDENTITIES = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** The definition id as ARM returns it inside a subscription (built-ins too carry the subscription prefix there). */
export function roleDefinitionIdAt(scope: string, roleGuid: string): string {
  const match = /^\/subscriptions\/[^/]+/i.exec(scope);
  return `${match === null ? '' : match[0]}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** Is `scope` equal to or below `parent`? Case-insensitive, on segment boundaries; "/" covers everything. */
export function scopeCovers(parent: string, scope: string): boolean {
  if (parent === '/') return true;
  const p = parent.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase();
  return s === p || s.startsWith(`${p}/`);
}
