import type { AksCluster } from '../../model/aksCluster.ts';
import type { AzureGrant } from '../azure/azureRbacIndex.ts';
import type { AzureDataActionPath, CredentialPath, EscalationPath } from './accessPath.ts';

/*
 * Azure control-plane actions that lead into a cluster, and how they turn into paths. Shared by `can`
 * (one identity) and `whoCan` (every holder) so both read the same table.
 */

export const LIST_ADMIN_CREDENTIAL = 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action';
export const LIST_USER_CREDENTIAL = 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action';

export const ESCALATION_ACTIONS: readonly { action: string; why: string }[] = [
  { action: 'Microsoft.ContainerService/managedClusters/write', why: 'can change the cluster itself (admin groups, local accounts, Azure RBAC setting)' },
  { action: 'Microsoft.ContainerService/managedClusters/runCommand/action', why: 'can run commands in the cluster with cluster-admin rights (az aks command invoke)' },
  { action: 'Microsoft.Authorization/roleAssignments/write', why: 'can assign itself any Azure role on the cluster, including Kubernetes data actions' },
];

/** Which credential actions give Kubernetes access on this cluster, and as whom. */
export function credentialActions(cluster: AksCluster): { action: string; becomes: string }[] {
  if (!cluster.localAccountsEnabled) return [];
  if (!cluster.entraIntegration) {
    // Without Entra integration both kubeconfigs carry certificates bound to cluster-admin.
    return [
      { action: LIST_ADMIN_CREDENTIAL, becomes: 'clusterAdmin (system:masters certificate)' },
      { action: LIST_USER_CREDENTIAL, becomes: 'clusterUser (bound to cluster-admin by aks-cluster-admin-binding)' },
    ];
  }
  return [{ action: LIST_ADMIN_CREDENTIAL, becomes: 'clusterAdmin (system:masters certificate)' }];
}

export function dataActionPath(cluster: AksCluster, grant: AzureGrant): AzureDataActionPath {
  return {
    plane: 'azure',
    kind: 'dataAction',
    cluster: cluster.name,
    assignmentId: grant.assignment.id,
    roleName: grant.role.roleName,
    roleDefinitionId: grant.role.id,
    scope: grant.assignment.scope,
    dataAction: grant.action,
    matchedBy: grant.matchedBy,
    ...(grant.assignment.condition === undefined ? {} : { condition: grant.assignment.condition }),
    principalId: grant.assignment.principalId,
    ...(grant.viaGroup === undefined ? {} : { viaGroup: grant.viaGroup }),
  };
}

export function credentialPath(cluster: AksCluster, grant: AzureGrant, becomes: string): CredentialPath {
  return {
    plane: 'azure',
    kind: 'adminCredential',
    cluster: cluster.name,
    action: grant.action,
    assignmentId: grant.assignment.id,
    roleName: grant.role.roleName,
    scope: grant.assignment.scope,
    matchedBy: grant.matchedBy,
    ...(grant.assignment.condition === undefined ? {} : { condition: grant.assignment.condition }),
    principalId: grant.assignment.principalId,
    ...(grant.viaGroup === undefined ? {} : { viaGroup: grant.viaGroup }),
    becomes,
  };
}

export function escalationPath(cluster: AksCluster, grant: AzureGrant, why: string): EscalationPath {
  return {
    plane: 'azure',
    kind: 'escalation',
    cluster: cluster.name,
    action: grant.action,
    assignmentId: grant.assignment.id,
    roleName: grant.role.roleName,
    scope: grant.assignment.scope,
    principalId: grant.assignment.principalId,
    ...(grant.viaGroup === undefined ? {} : { viaGroup: grant.viaGroup }),
    why,
  };
}
