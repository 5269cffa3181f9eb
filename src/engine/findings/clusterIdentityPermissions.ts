/**
 * The conditional permissions AKS needs of its cluster identity and kubelet identity, from
 * shared/reference/aks-cluster-identity-permissions.json (MicrosoftDocs/azure-aks-docs
 * articles/aks/aks-service-permissions.md). `reason` is the published Reason-column text, verbatim.
 *
 * The 'always' rows are not checked: AKS assigns them to the cluster identity itself, on the node resource
 * group, when it creates the cluster. `user-assigned-kubelet-identity` is not a row of the tables: it is
 * the documented requirement (use-managed-identity.md, "bring your own kubelet identity") that the
 * control-plane identity hold Managed Identity Operator on a kubelet identity it did not create.
 */

export type ClusterIdentityCondition =
  | 'custom-vnet-subnet-in-another-rg'
  | 'route-table-in-another-rg'
  | 'nsg-in-another-rg'
  | 'internal-lb-in-another-rg'
  | 'private-dns-zone-in-another-rg'
  | 'user-assigned-kubelet-identity'
  | 'acr-attach'
  | 'acr-attach-abac-mode';

export interface RequiredPermission {
  readonly permission: string;
  readonly kind: 'action' | 'dataAction';
  readonly condition: ClusterIdentityCondition;
  readonly identity: 'control-plane' | 'kubelet';
  readonly reason: string;
  /** The narrowest built-in role that covers the permission. */
  readonly role: { readonly name: string; readonly id: string };
}

const NETWORK_CONTRIBUTOR = { name: 'Network Contributor', id: '4d97b98b-1d4f-4787-a291-c67834d212e7' };
const PRIVATE_DNS_ZONE_CONTRIBUTOR = { name: 'Private DNS Zone Contributor', id: 'b12aa53e-6015-4669-85d0-8515ebb3ae7f' };
const ACR_PULL = { name: 'AcrPull', id: '7f951dda-4ed3-4680-a7ca-43fe172d538d' };
const MANAGED_IDENTITY_OPERATOR = { name: 'Managed Identity Operator', id: 'f1a07417-d97a-45cb-824c-7a7467783830' };
// Not in shared/reference/azure-builtin-roles (17 roles); the id is the one public Bicep/Terraform role tables and
// ACR ABAC templates use for this role (checked 2026-11), not a guess.
const REPOSITORY_READER = { name: 'Container Registry Repository Reader', id: 'b93aa761-3e63-49ed-ac28-beffa264f7ac' };

const SUBNET_REASON = 'Required if using a subnet in another resource group such as a custom VNET.';
const ROUTE_REASON =
  'Required if using a subnet associated with a route table in another resource group such as a custom VNET with a custom route table. Required to verify if a subnet already exists for the subnet in the other resource group.';
const NSG_REASON = 'Required if using a network security group in another resource group. Required to configure security rules for a LoadBalancer service.';
const ILB_REASON =
  'Required if using an internal load balancer in another resource group. Required to verify if a subnet already exists for the internal load balancer in the resource group.';
const DNS_REASON = 'Required if using a private DNS zone in another resource group such as a custom privateDNSZone.';
const ACR_REASON =
  'Required to pull container images from Azure Container Registry. Granted by the [`AcrPull`](/azure/role-based-access-control/built-in-roles/containers#acrpull) built-in role.';
const ABAC_REASON =
  'Required to pull container images and read image tags and metadata from repositories. Granted by the [`Container Registry Repository Reader`](/azure/container-registry/container-registry-rbac-built-in-roles-directory-reference#container-registry-repository-reader) built-in role, which can be optionally scoped to specific repositories using ABAC conditions.';
const MIO_REASON =
  'Required if using a user-assigned (bring your own) kubelet identity: the cluster identity assigns it to the nodes. Granted by the Managed Identity Operator built-in role on the kubelet identity.';

const cp = (permission: string, condition: ClusterIdentityCondition, reason: string, role: RequiredPermission['role']): RequiredPermission => ({
  permission,
  kind: 'action',
  condition,
  identity: 'control-plane',
  reason,
  role,
});

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  cp('Microsoft.Network/virtualNetworks/subnets/read', 'custom-vnet-subnet-in-another-rg', SUBNET_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/virtualNetworks/subnets/join/action', 'custom-vnet-subnet-in-another-rg', SUBNET_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/routeTables/routes/read', 'route-table-in-another-rg', ROUTE_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/routeTables/routes/write', 'route-table-in-another-rg', ROUTE_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/networkSecurityGroups/write', 'nsg-in-another-rg', NSG_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/networkSecurityGroups/read', 'nsg-in-another-rg', NSG_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/virtualNetworks/subnets/read', 'internal-lb-in-another-rg', ILB_REASON, NETWORK_CONTRIBUTOR),
  cp('Microsoft.Network/privatednszones/*', 'private-dns-zone-in-another-rg', DNS_REASON, PRIVATE_DNS_ZONE_CONTRIBUTOR),
  cp('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'user-assigned-kubelet-identity', MIO_REASON, MANAGED_IDENTITY_OPERATOR),
  { permission: 'Microsoft.ContainerRegistry/registries/pull/read', kind: 'action', condition: 'acr-attach', identity: 'kubelet', reason: ACR_REASON, role: ACR_PULL },
  {
    permission: 'Microsoft.ContainerRegistry/registries/repositories/content/read',
    kind: 'dataAction',
    condition: 'acr-attach-abac-mode',
    identity: 'kubelet',
    reason: ABAC_REASON,
    role: REPOSITORY_READER,
  },
  {
    permission: 'Microsoft.ContainerRegistry/registries/repositories/metadata/read',
    kind: 'dataAction',
    condition: 'acr-attach-abac-mode',
    identity: 'kubelet',
    reason: ABAC_REASON,
    role: REPOSITORY_READER,
  },
];

export function requiredFor(condition: ClusterIdentityCondition): readonly RequiredPermission[] {
  return REQUIRED_PERMISSIONS.filter((p) => p.condition === condition);
}
