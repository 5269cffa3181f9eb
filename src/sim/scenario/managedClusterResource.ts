import { MANAGED_CLUSTERS } from './armIds.ts';
import { shortHash, uuidV5 } from './deterministicIds.ts';

/** Everything that decides a managed cluster's ARM shape; scenario files and the generator both fill it. */
export interface ManagedClusterSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  readonly kubernetesVersion: string;
  /** AKS-managed Entra integration; undefined for a cluster without it. */
  readonly entra?: { readonly azureRbac: boolean; readonly adminGroupObjectIds: readonly string[] };
  readonly localAccounts: boolean;
  readonly kubernetesRbac: boolean;
  /** `system`, `none` or the ARM id of a private DNS zone; undefined for a public API server. */
  readonly privateDnsZone?: string;
  readonly identity:
    | { readonly type: 'SystemAssigned'; readonly principalId: string }
    | { readonly type: 'UserAssigned'; readonly resourceId: string; readonly principalId: string; readonly clientId: string };
  readonly kubelet: { readonly resourceId: string; readonly clientId: string; readonly objectId: string };
  readonly nodeResourceGroup: string;
  readonly vnetSubnetId?: string;
  readonly nodeCount: number;
  readonly vmSize: string;
  readonly networkPlugin: string;
  readonly networkPolicy?: string;
  /** `loadBalancer` (default) or `userDefinedRouting` (egress through a route table on the subnet). */
  readonly outboundType?: string;
  readonly skuTier: 'Free' | 'Standard' | 'Premium';
  readonly workloadIdentity: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export const defaultNodeResourceGroup = (resourceGroup: string, name: string, location: string): string => `MC_${resourceGroup}_${name}_${location}`;

/**
 * The managedCluster resource exactly as `GET …/managedClusters/NAME?api-version=2025-05-01` returns it
 * (shared/reference/api-examples/arm/containerservice): the id spells `resourcegroups` in lower case and
 * the type `ManagedClusters`, as ARM does; `identity` is top level and the rest sits under `properties`.
 */
export function managedClusterResource(spec: ManagedClusterSpec): Record<string, unknown> {
  const id = `/subscriptions/${spec.subscriptionId}/resourcegroups/${spec.resourceGroup}/providers/${MANAGED_CLUSTERS}/${spec.name}`;
  const dnsPrefix = `${spec.name}-dns`;
  const hash = shortHash(id.toLowerCase());
  const isPrivate = spec.privateDnsZone !== undefined;
  const oidcIssuer = `https://${spec.location}.oic.prod-aks.azure.com/${spec.tenantId}/${uuidV5(`oidc:${id.toLowerCase()}`)}/`;
  const properties: Record<string, unknown> = {
    provisioningState: 'Succeeded',
    powerState: { code: 'Running' },
    kubernetesVersion: spec.kubernetesVersion,
    currentKubernetesVersion: spec.kubernetesVersion,
    dnsPrefix,
    ...(isPrivate
      ? { privateFQDN: `${dnsPrefix}-${hash}.${uuidV5(`private-fqdn:${id.toLowerCase()}`)}.privatelink.${spec.location}.azmk8s.io` }
      : { fqdn: `${dnsPrefix}-${hash}.hcp.${spec.location}.azmk8s.io` }),
    azurePortalFQDN: `${dnsPrefix}-${hash}.portal.hcp.${spec.location}.azmk8s.io`,
    agentPoolProfiles: [
      {
        name: 'nodepool1',
        count: spec.nodeCount,
        vmSize: spec.vmSize,
        osDiskSizeGB: 128,
        osDiskType: 'Managed',
        kubeletDiskType: 'OS',
        ...(spec.vnetSubnetId === undefined ? {} : { vnetSubnetID: spec.vnetSubnetId }),
        maxPods: spec.networkPlugin === 'azure' ? 30 : 110,
        type: 'VirtualMachineScaleSets',
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        orchestratorVersion: spec.kubernetesVersion,
        currentOrchestratorVersion: spec.kubernetesVersion,
        mode: 'System',
        osType: 'Linux',
        osSKU: 'Ubuntu',
      },
    ],
    servicePrincipalProfile: { clientId: 'msi' },
    nodeResourceGroup: spec.nodeResourceGroup,
    enableRBAC: spec.kubernetesRbac,
    networkProfile: {
      networkPlugin: spec.networkPlugin,
      ...(spec.networkPolicy === undefined ? {} : { networkPolicy: spec.networkPolicy }),
      ...(spec.networkPlugin === 'kubenet' ? { podCidr: '10.244.0.0/16', podCidrs: ['10.244.0.0/16'] } : {}),
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      outboundType: spec.outboundType ?? 'loadBalancer',
      loadBalancerSku: 'standard',
      serviceCidrs: ['10.0.0.0/16'],
      ipFamilies: ['IPv4'],
    },
    ...(spec.entra === undefined
      ? {}
      : {
          aadProfile: {
            managed: true,
            enableAzureRBAC: spec.entra.azureRbac,
            adminGroupObjectIDs: spec.entra.adminGroupObjectIds.length === 0 ? null : spec.entra.adminGroupObjectIds,
            tenantID: spec.tenantId,
          },
        }),
    ...(isPrivate ? { apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: spec.privateDnsZone, enablePrivateClusterPublicFQDN: false } } : {}),
    disableLocalAccounts: !spec.localAccounts,
    identityProfile: { kubeletidentity: { resourceId: spec.kubelet.resourceId, clientId: spec.kubelet.clientId, objectId: spec.kubelet.objectId } },
    oidcIssuerProfile: spec.workloadIdentity ? { enabled: true, issuerURL: oidcIssuer } : { enabled: false },
    securityProfile: spec.workloadIdentity ? { workloadIdentity: { enabled: true } } : {},
  };
  const identity =
    spec.identity.type === 'SystemAssigned'
      ? { type: 'SystemAssigned', principalId: spec.identity.principalId, tenantId: spec.tenantId }
      : { type: 'UserAssigned', userAssignedIdentities: { [spec.identity.resourceId]: { principalId: spec.identity.principalId, clientId: spec.identity.clientId } } };
  return {
    id,
    location: spec.location,
    name: spec.name,
    ...(spec.tags === undefined ? {} : { tags: spec.tags }),
    type: 'Microsoft.ContainerService/ManagedClusters',
    sku: { name: 'Base', tier: spec.skuTier },
    identity,
    properties,
  };
}
