import type { CollectorPermissions } from '../CollectorPermissions.ts';

/** The lists the k8s-rbac collector reads from a cluster's API server: the one place that says what it reads. */
export type K8sListName = 'clusterRoles' | 'clusterRoleBindings' | 'roles' | 'roleBindings' | 'namespaces' | 'serviceAccounts' | 'pods' | 'services';

export interface K8sListSpec {
  readonly name: K8sListName;
  /** Plural resource, as in the URL. */
  readonly resource: string;
  /** API group; "" for the core group. */
  readonly group: string;
  /** Kind of the items (list items carry none). */
  readonly kind: string;
  readonly namespaced: boolean;
  /** The cluster-wide list path. */
  readonly path: string;
  /** The Kubernetes permission, as declared below: `list rbac.authorization.k8s.io/clusterroles`, `list pods`. */
  readonly permission: string;
  /** The AKS data action that allows the same list under Azure RBAC for Kubernetes. */
  readonly dataAction: string;
}

const AKS = 'Microsoft.ContainerService/managedClusters';

function spec(name: K8sListName, group: string, resource: string, kind: string, namespaced: boolean): K8sListSpec {
  const qualified = group === '' ? resource : `${group}/${resource}`;
  return {
    name,
    resource,
    group,
    kind,
    namespaced,
    path: group === '' ? `/api/v1/${resource}` : `/apis/${group}/v1/${resource}`,
    permission: `list ${qualified}`,
    dataAction: `${AKS}/${qualified}/read`,
  };
}

export const K8S_LISTS: readonly K8sListSpec[] = [
  spec('clusterRoles', 'rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false),
  spec('clusterRoleBindings', 'rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false),
  spec('roles', 'rbac.authorization.k8s.io', 'roles', 'Role', true),
  spec('roleBindings', 'rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true),
  spec('namespaces', '', 'namespaces', 'Namespace', false),
  spec('serviceAccounts', '', 'serviceaccounts', 'ServiceAccount', true),
  spec('pods', '', 'pods', 'Pod', true),
  // Only internal LoadBalancer Services' subnet annotations are kept (the cluster-identity check's internal-lb condition).
  spec('services', '', 'services', 'Service', true),
];

/** ARM action behind the cluster's user kubeconfig (the server URL and CA the collector connects with). */
export const LIST_CLUSTER_USER_CREDENTIAL_ACTION = `${AKS}/listClusterUserCredential/action`;

/**
 * What the k8s-rbac collector needs: `list` (never `watch`, never `get`) on the RBAC objects, namespaces,
 * service accounts, pods and services — never secrets — plus the matching AKS data actions for clusters that authorize
 * with Azure RBAC, and the user credential action for the kubeconfig.
 */
export const K8S_RBAC_PERMISSIONS: CollectorPermissions = {
  azureActions: [LIST_CLUSTER_USER_CREDENTIAL_ACTION],
  azureDataActions: K8S_LISTS.map((l) => l.dataAction),
  graphPermissions: [],
  kubernetes: K8S_LISTS.map((l) => l.permission),
};
