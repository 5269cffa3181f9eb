import { aksClustersPermissions } from './aks-clusters/permissions.ts';
import { azureRbacPermissions } from './azure-rbac/permissions.ts';
import type { CollectorPermissions } from './CollectorPermissions.ts';
import { entraPermissions } from './entra/permissions.ts';
import { K8S_RBAC_PERMISSIONS } from './k8s-rbac/permissions.ts';

/** Every collector's declared permissions, by the collector's name (its directory). */
export const DECLARED_PERMISSIONS: Readonly<Record<string, CollectorPermissions>> = {
  'azure-rbac': azureRbacPermissions,
  'aks-clusters': aksClustersPermissions,
  entra: entraPermissions,
  'k8s-rbac': K8S_RBAC_PERMISSIONS,
};

/*
 * Which grant of the deployment carries a permission. Reader's only action is `*\/read`, so a read action
 * comes with Reader; anything else is in the custom role (infra/rbac.bicep), and the Kubernetes verbs are the
 * ClusterRole for clusters that do not authorize with Azure RBAC. The management-group tree is read at the
 * tenant root group, whatever the indexed scope.
 */
const READER = 'Reader (indexed subscriptions or management group)';
const TREE = 'Reader on the tenant root group, or else the AKS Access Indexer Tree custom role there';
const CUSTOM_ROLE = 'AKS Access Indexer custom role (same scopes)';
const AZURE_RBAC_CLUSTERS = 'AKS Access Indexer custom role — clusters with Azure RBAC for Kubernetes';
const CLUSTER_ROLE = 'ClusterRole `aks-access-indexer` — clusters without Azure RBAC for Kubernetes';
const GRAPH = 'Microsoft Graph application permission — `infra/scripts/grant-graph-permissions.sh`';

function grantOf(action: string): string {
  if (action.startsWith('Microsoft.Management/managementGroups/')) return TREE;
  return action.endsWith('/read') ? READER : CUSTOM_ROLE;
}

/**
 * The Markdown permissions table of docs/deploy.md, generated from what the collectors declare: one row per
 * permission, in declaration order. Pure; test/infra/infra.test.ts fails when the document differs.
 */
export function permissionsTable(declared: Readonly<Record<string, CollectorPermissions>> = DECLARED_PERMISSIONS): string {
  const rows: string[] = ['| collector | kind | permission | granted by |', '|---|---|---|---|'];
  const row = (collector: string, kind: string, permission: string, grantedBy: string) => {
    rows.push(`| ${collector} | ${kind} | \`${permission}\` | ${grantedBy} |`);
  };
  for (const [collector, p] of Object.entries(declared)) {
    for (const action of p.azureActions) row(collector, 'Azure action', action, grantOf(action));
    for (const action of p.azureDataActions) row(collector, 'Azure data action', action, AZURE_RBAC_CLUSTERS);
    for (const permission of p.graphPermissions) row(collector, 'Graph application permission', permission, GRAPH);
    for (const permission of p.kubernetes) row(collector, 'Kubernetes', permission, CLUSTER_ROLE);
  }
  return rows.join('\n');
}
