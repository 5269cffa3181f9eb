import type { Registry } from '@azure/arm-containerregistry';
import type { ManagedCluster } from '@azure/arm-containerservice';
import { describe, expect, it } from 'vitest';
import type { AksClustersPages } from './fetch.ts';
import { transformAksClusters } from './transform.ts';

// SDK models as the TypeSpec-generated clients deserialise them: flattened, `enableAzureRbac`, `enableRbac`.
const RG = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups';
const ID = `${RG}/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-1`;
const SUBNET = `${RG}/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks`;
const ZONE = `${RG}/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;

const cluster: ManagedCluster = {
  id: ID,
  name: 'aks-1',
  location: 'westeurope',
  identity: { type: 'SystemAssigned', principalId: 'cp-1' },
  aadProfile: { managed: true, enableAzureRbac: true, adminGroupObjectIDs: ['g-admins'] },
  enableRbac: true,
  disableLocalAccounts: true,
  nodeResourceGroup: 'MC_rg-aks_aks-1_westeurope',
  agentPoolProfiles: [{ name: 'system', vnetSubnetID: SUBNET }, { name: 'user', vnetSubnetID: SUBNET.toUpperCase() }, { name: 'spot' }],
  apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: ZONE },
  identityProfile: { kubeletidentity: { resourceId: `${RG}/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet`, clientId: 'k-client', objectId: 'k-object' } },
};

const registry = { id: `${RG}/rg-acr/providers/Microsoft.ContainerRegistry/registries/acr1`, name: 'acr1', location: 'westeurope', loginServer: 'acr1.azurecr.io', roleAssignmentMode: 'AbacRepositoryPermissions', sku: { name: 'Premium' } } as Registry;

const pages = (overrides: Partial<AksClustersPages> = {}): AksClustersPages => ({
  subscriptionId: '11111111-1111-4111-8111-111111111111',
  managedClusters: [cluster],
  subnets: [{ id: SUBNET, addressPrefix: '10.0.0.0/22', routeTable: { id: 'rt' }, networkSecurityGroup: { id: 'nsg' } }],
  missingSubnetIds: [],
  registries: [registry],
  identities: [],
  federatedCredentials: [],
  ...overrides,
});

const MI = `${RG}/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders`;
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant-1/issuer-1/';
const identity = { id: MI, name: 'id-orders', location: 'westeurope', clientId: 'mi-client', principalId: 'mi-object', tenantId: 'tenant-1' };
const credential = (name: string, issuer: string, subject?: string) => ({ id: `${MI}/federatedIdentityCredentials/${name}`, name, issuer, ...(subject === undefined ? {} : { subject }), audiences: ['api://AzureADTokenExchange'] });

describe('aks-clusters transform', () => {
  it('federated credentials: every one with a subject, whatever its issuer (the engine matches the cluster\'s), each with its identity\'s client and principal ids', () => {
    const credentials = [
      credential('aks', ISSUER, 'system:serviceaccount:orders:api'),
      credential('github', 'https://token.actions.githubusercontent.com', 'repo:contoso/orders:ref:refs/heads/main'),
      credential('other-k8s', 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', 'system:serviceaccount:orders:api'),
      credential('lookalike', 'https://oic.prod-aks.azure.com.example.org/x/', 'system:serviceaccount:orders:api'),
      credential('no-subject', ISSUER),
      credential('gov', 'https://usgovvirginia.oic.prod-aks.azure.us/t/i/', 'system:serviceaccount:ops:runner'),
    ];
    // The credentials' identity id in another casing than the list's: still its identity.
    const result = transformAksClusters(pages({ identities: [identity], federatedCredentials: [{ identityId: MI.toLowerCase(), credentials }] }));
    const projected = (name: string, issuer: string, subject: string) => ({ id: `${MI}/federatedIdentityCredentials/${name}`, identityId: MI, clientId: 'mi-client', principalId: 'mi-object', name, issuer, subject });
    expect(result.federatedCredentials).toEqual([
      projected('aks', ISSUER, 'system:serviceaccount:orders:api'),
      projected('github', 'https://token.actions.githubusercontent.com', 'repo:contoso/orders:ref:refs/heads/main'),
      projected('other-k8s', 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', 'system:serviceaccount:orders:api'),
      projected('lookalike', 'https://oic.prod-aks.azure.com.example.org/x/', 'system:serviceaccount:orders:api'),
      projected('gov', 'https://usgovvirginia.oic.prod-aks.azure.us/t/i/', 'system:serviceaccount:ops:runner'),
    ]);
    expect(transformAksClusters(pages({ identities: [identity], federatedCredentials: [{ identityId: MI, credentials: [] }] })).federatedCredentials).toEqual([]);
  });

  it('malformed identities and credentials are named', () => {
    expect(() => transformAksClusters(pages({ identities: [{ ...identity, clientId: undefined }] }))).toThrow(`user-assigned managed identity ${MI}: clientId is required`);
    expect(() => transformAksClusters(pages({ identities: [identity], federatedCredentials: [{ identityId: MI, credentials: [{ ...credential('aks', ISSUER, 'system:serviceaccount:a:b'), issuer: undefined }] }] }))).toThrow(
      `federated identity credential ${MI}/federatedIdentityCredentials/aks: issuer is required`,
    );
    expect(() => transformAksClusters(pages({ identities: [], federatedCredentials: [{ identityId: MI, credentials: [] }] }))).toThrow(`federated identity credentials were read for ${MI}, which the identity list does not hold`);
  });

  it('the cluster through the one normalisation, its network, subnets and registries', () => {
    const result = transformAksClusters(pages());
    expect(result.clusters).toEqual([
      {
        id: ID,
        name: 'aks-1',
        subscriptionId: '11111111-1111-4111-8111-111111111111',
        resourceGroup: 'rg-aks',
        location: 'westeurope',
        entraIntegration: true,
        azureRbac: true,
        adminGroupObjectIds: ['g-admins'],
        localAccountsEnabled: false,
        kubernetesRbac: true,
        nodeResourceGroup: 'MC_rg-aks_aks-1_westeurope',
        identity: { type: 'SystemAssigned', principalId: 'cp-1', userAssignedIdentityIds: [] },
        kubeletIdentity: { objectId: 'k-object', clientId: 'k-client', resourceId: `${RG}/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet` },
        agentPoolSubnetIds: [SUBNET],
        privateDnsZone: ZONE,
      },
    ]);
    // One subnet though two pools name it (in two casings); the pool without one uses the managed VNet.
    expect(result.networks).toEqual([{ clusterId: ID, subnetIds: [SUBNET], privateCluster: true, privateDnsZone: ZONE }]);
    expect(result.subnets).toEqual([{ id: SUBNET, addressPrefix: '10.0.0.0/22', routeTableId: 'rt', networkSecurityGroupId: 'nsg' }]);
    expect(result.registries).toEqual([{ id: registry.id, name: 'acr1', loginServer: 'acr1.azurecr.io', location: 'westeurope', roleAssignmentMode: 'AbacRepositoryPermissions' }]);
  });

  it('malformed: an unreadable subnet id names the cluster and the pool; a registry without loginServer names the registry', () => {
    const bad = { ...cluster, agentPoolProfiles: [{ name: 'system', vnetSubnetID: 'not-a-subnet' }] };
    expect(() => transformAksClusters(pages({ managedClusters: [bad] }))).toThrow(`managed cluster ${ID}: agent pool system: vnetSubnetID is not a subnet id: not-a-subnet`);
    expect(() => transformAksClusters(pages({ registries: [{ ...registry, loginServer: undefined }] }))).toThrow(`container registry ${registry.id ?? ''}: loginServer is required`);
    expect(() => transformAksClusters(pages({ managedClusters: [{ ...cluster, id: undefined }] }))).toThrow('managed cluster aks-1: id is required');
  });
});
