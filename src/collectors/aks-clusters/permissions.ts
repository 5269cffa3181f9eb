import type { CollectorPermissions } from '../CollectorPermissions.ts';

/** Reader on the subscriptions (and on the resource groups of the clusters' virtual networks) grants these. */
export const aksClustersPermissions: CollectorPermissions = {
  azureActions: [
    'Microsoft.ContainerService/managedClusters/read',
    'Microsoft.Network/virtualNetworks/subnets/read',
    'Microsoft.ContainerRegistry/registries/read',
    // Workload identities: which service accounts a managed identity's federated credentials really trust.
    'Microsoft.ManagedIdentity/userAssignedIdentities/read',
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
  ],
  azureDataActions: [],
  graphPermissions: [],
  kubernetes: [],
};
