/** The parts of an AKS managed cluster that decide who gets in and how. */
export interface AksCluster {
  /** ARM resource id; the scope of every data action for the cluster. */
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location?: string;
  /** AKS-managed Entra integration (aadProfile present). */
  readonly entraIntegration: boolean;
  /** Azure RBAC for Kubernetes authorization (aadProfile.enableAzureRBAC). */
  readonly azureRbac: boolean;
  /** aadProfile.adminGroupObjectIDs: bound to cluster-admin by AKS. */
  readonly adminGroupObjectIds: readonly string[];
  /** With local accounts enabled, listClusterAdminCredential hands out a system:masters certificate. */
  readonly localAccountsEnabled: boolean;
  /** Kubernetes RBAC enabled (enableRBAC); without it every authenticated request is allowed. */
  readonly kubernetesRbac: boolean;
  readonly nodeResourceGroup?: string;
  /** Control-plane identity: system- or user-assigned managed identity principal ids. */
  readonly identity?: {
    readonly type: string;
    readonly principalId?: string;
    readonly userAssignedIdentityIds: readonly string[];
    /** identity.userAssignedIdentities with the principal and client ids ARM reports for each. */
    readonly userAssigned?: readonly { readonly resourceId: string; readonly principalId?: string; readonly clientId?: string }[];
  };
  /** identityProfile.kubeletidentity. */
  readonly kubeletIdentity?: { readonly objectId?: string; readonly clientId?: string; readonly resourceId?: string };
  /** Custom subnets of the agent pools (agentPoolProfiles[].vnetSubnetID); absent: AKS-managed VNet. */
  readonly agentPoolSubnetIds?: readonly string[];
  /** apiServerAccessProfile.privateDNSZone: `system`, `none`, or a private DNS zone id (BYO zone). */
  readonly privateDnsZone?: string;
  /** oidcIssuerProfile.issuerURL when the OIDC issuer is on: the issuer workload-identity federated credentials must name. */
  readonly oidcIssuerUrl?: string;
}
