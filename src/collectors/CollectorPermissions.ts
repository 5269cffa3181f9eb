/** What a collector needs granted, declared next to it so docs, Bicep and tests can check they agree. */
export interface CollectorPermissions {
  /** Azure control-plane actions, e.g. `Microsoft.Authorization/roleAssignments/read`. */
  readonly azureActions: readonly string[];
  /** Azure data actions, e.g. `Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/roles/read`. */
  readonly azureDataActions: readonly string[];
  /** Microsoft Graph application permissions, e.g. `GroupMember.Read.All`. */
  readonly graphPermissions: readonly string[];
  /** Kubernetes verbs on resources, e.g. `list rbac.authorization.k8s.io/clusterroles`. Never secrets. */
  readonly kubernetes: readonly string[];
}
