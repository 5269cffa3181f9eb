import type { K8sInventory, K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import type { Binding, PolicyRule, RbacObjects, Role, Subject } from '../../model/k8sRbac.ts';
import { baselineInventory, baselineRbac, namespace, podSuffix } from './clusterBaseline.ts';
import { Prng } from './prng.ts';

/*
 * Kubernetes content of synthetic clusters. Memory is the constraint at the L size (1,000 clusters ×
 * 2,000 bindings), so objects are shared, never copied: every cluster carries the same Role objects, and
 * its bindings are a per-cluster selection from one pool of Binding objects (distinct names, so a
 * selection never holds two objects with the same key). A cluster then costs an array of references.
 */

const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';

const TEAM_NAMESPACES = ['payments', 'frontend', 'checkout', 'orders', 'inventory', 'search', 'identity', 'billing', 'shipping', 'catalog', 'monitoring', 'logging', 'ingress', 'data', 'ml', 'notifications'];

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []): PolicyRule => ({ verbs, apiGroups, resources, resourceNames, nonResourceURLs: [] });

/** A library of rules the generated roles draw from (shared objects). */
const RULES: readonly PolicyRule[] = [
  rule(['get', 'list', 'watch'], [''], ['pods', 'pods/log', 'services', 'endpoints', 'configmaps']),
  rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['apps'], ['deployments', 'statefulsets', 'replicasets']),
  rule(['get', 'patch', 'update'], ['apps'], ['*/scale']),
  rule(['create'], [''], ['pods/exec', 'pods/portforward']),
  rule(['get', 'list'], [''], ['secrets']),
  rule(['get', 'list', 'watch'], ['batch'], ['jobs', 'cronjobs']),
  rule(['*'], ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(['get', 'list', 'watch'], ['cert-manager.io'], ['certificates', 'issuers']),
  rule(['get', 'list', 'watch'], [''], ['nodes']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(['escalate', 'bind'], ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
  rule(['*'], ['*'], ['*']),
];

export interface PrincipalRefs {
  /** Entra group object ids (Kubernetes group names). */
  readonly groupIds: readonly string[];
  readonly userPrincipalNames: readonly string[];
  /** Service principal / managed identity object ids (Kubernetes user names). */
  readonly servicePrincipalIds: readonly string[];
  /** Client ids for workload-identity annotations. */
  readonly workloadClientIds: readonly string[];
}

export interface KubernetesPools {
  readonly namespaces: readonly K8sNamespace[];
  /** Baseline roles + generated roles: one array for every cluster. */
  readonly roles: readonly Role[];
  readonly bindingPool: readonly Binding[];
  readonly serviceAccounts: readonly K8sServiceAccount[];
  readonly bindingsPerCluster: number;
  readonly seed: string;
}

function subjectsFor(rng: Prng, refs: PrincipalRefs, ns: string): Subject[] {
  const one = (): Subject => {
    const r = rng.next();
    if (r < 0.6 && refs.groupIds.length > 0) return { kind: 'Group', name: rng.pick(refs.groupIds), namespace: '', apiGroup: 'rbac.authorization.k8s.io' };
    if (r < 0.8 && refs.userPrincipalNames.length > 0) return { kind: 'User', name: rng.pick(refs.userPrincipalNames), namespace: '', apiGroup: 'rbac.authorization.k8s.io' };
    if (r < 0.9 && refs.servicePrincipalIds.length > 0) return { kind: 'User', name: rng.pick(refs.servicePrincipalIds), namespace: '', apiGroup: 'rbac.authorization.k8s.io' };
    return { kind: 'ServiceAccount', name: rng.pick(['app', 'worker', 'ci']), namespace: ns === '' ? rng.pick(TEAM_NAMESPACES) : ns, apiGroup: '' };
  };
  const count = rng.chance(0.05) ? 2 + rng.int(3) : 1;
  return Array.from({ length: count }, one);
}

export function namespaceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const base = TEAM_NAMESPACES[i % TEAM_NAMESPACES.length] ?? 'team';
    return i < TEAM_NAMESPACES.length ? base : `${base}-${Math.floor(i / TEAM_NAMESPACES.length) + 1}`;
  });
}

export function buildKubernetesPools(seed: string, refs: PrincipalRefs, namespacesPerCluster: number, bindingsPerCluster: number): KubernetesPools {
  const rng = new Prng(`${seed}/kubernetes`);
  const names = namespaceNames(namespacesPerCluster);
  const baseline = baselineRbac([]);

  const clusterRoles: Role[] = [
    {
      kind: 'ClusterRole',
      name: 'gen:crd-viewer',
      namespace: '',
      labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
      rules: [RULES[7] ?? rule([], [], [])],
      source: 'generated',
    },
    ...Array.from({ length: 20 }, (_, k): Role => ({
      kind: 'ClusterRole',
      name: `gen:team-role-${String(k).padStart(2, '0')}`,
      namespace: '',
      labels: {},
      rules: Array.from({ length: 1 + rng.int(3) }, () => rng.pick(RULES.slice(0, 10))),
      source: 'generated',
    })),
  ];
  const namespacedRoleNames = ['deployer', 'secret-reader', 'pod-debugger'];
  const namespacedRoles: Role[] = names.flatMap((ns) => [
    { kind: 'Role', name: 'deployer', namespace: ns, labels: {}, rules: [RULES[1] ?? rule([], [], []), RULES[2] ?? rule([], [], [])], source: 'generated' },
    { kind: 'Role', name: 'secret-reader', namespace: ns, labels: {}, rules: [rule(['get'], [''], ['secrets'], [`${ns}-db-password`])], source: 'generated' },
    { kind: 'Role', name: 'pod-debugger', namespace: ns, labels: {}, rules: [RULES[0] ?? rule([], [], []), RULES[3] ?? rule([], [], [])], source: 'generated' },
  ]);

  const clusterRoleNames = ['view', 'edit', 'admin', ...clusterRoles.map((r) => r.name)];
  const poolSize = Math.max(bindingsPerCluster * 3, 50);
  const bindingPool: Binding[] = [];
  for (let k = 0; k < poolSize; k++) {
    const clusterWide = rng.chance(0.1);
    const ns = clusterWide ? '' : rng.pick(names);
    let roleRef: Binding['roleRef'];
    if (clusterWide) roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rng.chance(0.01) ? 'cluster-admin' : rng.pick(clusterRoleNames) };
    else if (rng.chance(0.4)) roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rng.pick(clusterRoleNames) };
    else roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: rng.chance(0.02) ? 'legacy-ops' : rng.pick(namespacedRoleNames) };
    bindingPool.push({
      kind: clusterWide ? 'ClusterRoleBinding' : 'RoleBinding',
      name: `${clusterWide ? 'cluster' : ns}-${roleRef.name.replace(/:/g, '-')}-${k}`,
      namespace: ns,
      roleRef,
      subjects: subjectsFor(rng, refs, ns),
      source: 'generated',
    });
  }

  const serviceAccounts: K8sServiceAccount[] = names.flatMap((ns) => [
    { namespace: ns, name: 'default', annotations: {} },
    ...['app', 'worker', 'ci'].map((name): K8sServiceAccount => ({
      namespace: ns,
      name,
      annotations: refs.workloadClientIds.length > 0 && rng.chance(0.3) ? { [WORKLOAD_IDENTITY_CLIENT_ID]: rng.pick(refs.workloadClientIds) } : {},
    })),
  ]);

  return {
    namespaces: names.map((ns) => namespace(ns, { team: ns.replace(/-\d+$/, '') })),
    roles: [...baseline.roles, ...clusterRoles, ...namespacedRoles],
    bindingPool,
    serviceAccounts,
    bindingsPerCluster,
    seed,
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export interface GeneratedClusterFacts {
  readonly index: number;
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly nodeCount: number;
  readonly workloadIdentity: boolean;
  readonly adminGroupObjectIds: readonly string[];
  /** Login server of the registry the cluster's workloads pull from. */
  readonly registry: string;
}

/** One cluster's content, rebuilt identically from the pools and the cluster's index whenever asked. */
export function clusterKubernetes(pools: KubernetesPools, facts: GeneratedClusterFacts): RbacObjects & K8sInventory {
  const rng = new Prng(`${pools.seed}/cluster/${facts.index}`);
  const pool = pools.bindingPool;
  const count = Math.min(pools.bindingsPerCluster, pool.length);
  // Distinct pool entries without allocating: start + j·stride (mod pool size) with stride coprime to it.
  const start = rng.int(pool.length);
  let stride = 1 + rng.int(pool.length - 1 || 1);
  while (gcd(stride, pool.length) !== 1) stride++;
  const baseline = baselineRbac(facts.adminGroupObjectIds);
  const bindings: Binding[] = baseline.bindings.slice();
  for (let j = 0; j < count; j++) {
    const binding = pool[(start + j * stride) % pool.length];
    if (binding !== undefined) bindings.push(binding);
  }
  const workloadAccounts = new Set(pools.serviceAccounts.filter((sa) => sa.annotations[WORKLOAD_IDENTITY_CLIENT_ID] !== undefined).map((sa) => `${sa.namespace}/${sa.name}`));
  const system = baselineInventory({ clusterName: facts.name, kubernetesVersion: facts.kubernetesVersion, nodeCount: facts.nodeCount, workloadIdentity: facts.workloadIdentity });
  const pods: K8sPod[] = system.pods;
  for (const ns of pools.namespaces) {
    for (const app of ['app', 'worker']) {
      const template = podSuffix(`${facts.name}/${ns.name}/${app}`, 10);
      pods.push({
        namespace: ns.name,
        name: `${ns.name}-${app}-${template}-${podSuffix(`${facts.name}/${ns.name}/${app}/0`, 5)}`,
        serviceAccountName: app,
        images: [`${facts.registry}/${ns.name}/${app}:1.${rng.int(40)}.${rng.int(10)}`],
        labels: { app: `${ns.name}-${app}`, 'pod-template-hash': template, ...(workloadAccounts.has(`${ns.name}/${app}`) ? { 'azure.workload.identity/use': 'true' } : {}) },
      });
    }
  }
  return {
    roles: pools.roles,
    bindings,
    namespaces: [...system.namespaces, ...pools.namespaces],
    serviceAccounts: [...system.serviceAccounts, ...pools.serviceAccounts],
    pods,
  };
}
