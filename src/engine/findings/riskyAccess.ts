import { resourceRequest, type ResourceRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import { clusterKey, type AccessModel } from '../access/accessModel.ts';
import type { AccessPath, EscalationPath } from '../access/accessPath.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneSubject, type CrossPlaneWhoCan } from '../access/whoCanAcross.ts';
import type { WhoCanAcrossMemo } from '../access/whoCanAcrossMemo.ts';
import type { FindingSeverity } from './clusterIdentityFindings.ts';

/*
 * Risky access (shared/reference/risky-rules.md) on both planes. Every Kubernetes question goes through
 * whoCanAcross, so the exact semantics hold: resourceNames never grant list/watch or a nameless get,
 * subresources match exactly or through `*\/sub`, apiGroups are checked, and Azure data actions, admin
 * groups and admin credentials count as paths alongside RoleBindings.
 */

export type RiskyRule =
  | 'secrets-read'
  | 'pods-exec'
  | 'workloads-in-kube-system'
  | 'rbac-escalate'
  | 'rbac-bind'
  | 'impersonate'
  | 'nodes-proxy'
  | 'csr-approval'
  | 'webhook-config-write'
  | 'serviceaccount-token'
  | 'wildcard'
  | 'unauthenticated-binding'
  | 'admin-credential-local-accounts'
  | 'run-command'
  | 'cluster-write'
  | 'role-assignment-write';

export interface RiskySubject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  readonly objectId?: string;
  readonly displayName?: string;
}

export interface RiskyAccessFinding {
  readonly kind: 'risky-access';
  readonly rule: RiskyRule;
  readonly severity: FindingSeverity;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly subject: RiskySubject;
  /** What the subject can do, in words. */
  readonly summary: string;
  /** The grants that give it (plane-tagged), or the binding for unauthenticated-binding. */
  readonly path: readonly (AccessPath | EscalationPath | { readonly plane: 'kubernetes'; readonly kind: 'binding'; readonly binding: string; readonly role: string })[];
  /** Namespaces where it holds (namespaced questions). */
  readonly namespaces?: readonly string[];
  readonly conditional?: boolean;
  /** Set when the finding is a built-in baseline (only with includeBaseline). */
  readonly baseline?: boolean;
}

export interface RiskyAccessOptions {
  readonly clusters?: readonly AksCluster[];
  /** Report AKS-managed and bootstrap subjects and bindings too (system:*, kube-system service accounts, aks-* bindings). */
  readonly includeBaseline?: boolean;
  /** Answers shared with other questions on the same model (findingsForCluster passes one to every check). */
  readonly memo?: WhoCanAcrossMemo;
}

interface KubernetesRule {
  readonly rule: RiskyRule;
  readonly severity: FindingSeverity;
  readonly summary: string;
  /** Requests asked in any namespace (namespaced) or as given (cluster-scoped / fixed namespace). */
  readonly requests: readonly { readonly request: ResourceRequest; readonly anyNamespace: boolean }[];
}

const rq = (verb: string, resource: string, more: Partial<Omit<ResourceRequest, 'type' | 'verb' | 'resource'>> = {}) => resourceRequest({ verb, resource, ...more });
const anyNs = (request: ResourceRequest) => ({ request, anyNamespace: true });
const fixed = (request: ResourceRequest) => ({ request, anyNamespace: false });
const RBAC = 'rbac.authorization.k8s.io';
/** Workload controllers (API group, resource): their pod templates run pods as any service account of the namespace. */
export const WORKLOADS: readonly [string, string][] = [
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['', 'replicationcontrollers'],
];

export const KUBERNETES_RULES: readonly KubernetesRule[] = [
  {
    rule: 'secrets-read',
    severity: 'high',
    summary: 'get/list/watch secrets (every secret of a namespace, not one named secret)',
    requests: ['get', 'list', 'watch'].map((verb) => anyNs(rq(verb, 'secrets'))),
  },
  { rule: 'pods-exec', severity: 'high', summary: 'create pods/exec: run commands in running containers', requests: [anyNs(rq('create', 'pods', { subresource: 'exec' }))] },
  {
    rule: 'workloads-in-kube-system',
    severity: 'critical',
    summary: 'create pods or workload controllers in kube-system: run as any system service account or mount the host',
    requests: [
      fixed(rq('create', 'pods', { namespace: 'kube-system' })),
      ...WORKLOADS.flatMap(([apiGroup, resource]) => ['create', 'update', 'patch'].map((verb) => fixed(rq(verb, resource, { apiGroup, namespace: 'kube-system' })))),
    ],
  },
  {
    rule: 'rbac-escalate',
    severity: 'critical',
    summary: 'escalate on roles/clusterroles: grant permissions it does not hold',
    requests: [fixed(rq('escalate', 'clusterroles', { apiGroup: RBAC })), anyNs(rq('escalate', 'roles', { apiGroup: RBAC }))],
  },
  {
    rule: 'rbac-bind',
    severity: 'critical',
    summary: 'bind on roles/clusterroles: bind any role, cluster-admin included, to anyone',
    requests: [fixed(rq('bind', 'clusterroles', { apiGroup: RBAC })), anyNs(rq('bind', 'roles', { apiGroup: RBAC }))],
  },
  {
    rule: 'impersonate',
    severity: 'critical',
    summary: 'impersonate users, groups or service accounts (system:masters included)',
    requests: [fixed(rq('impersonate', 'users')), fixed(rq('impersonate', 'groups')), anyNs(rq('impersonate', 'serviceaccounts'))],
  },
  {
    rule: 'nodes-proxy',
    severity: 'critical',
    summary: 'get nodes/proxy: the kubelet API, exec in any pod on the node (GET is enough over WebSocket)',
    requests: [fixed(rq('get', 'nodes', { subresource: 'proxy' })), fixed(rq('create', 'nodes', { subresource: 'proxy' }))],
  },
  {
    rule: 'csr-approval',
    severity: 'high',
    summary: 'approve certificate signing requests: issue client certificates (system:masters included)',
    requests: [fixed(rq('update', 'certificatesigningrequests', { apiGroup: 'certificates.k8s.io', subresource: 'approval' })), fixed(rq('patch', 'certificatesigningrequests', { apiGroup: 'certificates.k8s.io', subresource: 'approval' }))],
  },
  {
    rule: 'webhook-config-write',
    severity: 'high',
    summary: 'write admission webhook configurations: read or mutate every admitted object',
    requests: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].flatMap((resource) =>
      ['create', 'update', 'patch'].map((verb) => fixed(rq(verb, resource, { apiGroup: 'admissionregistration.k8s.io' }))),
    ),
  },
  { rule: 'serviceaccount-token', severity: 'high', summary: 'create serviceaccounts/token: mint a token for any service account of a namespace', requests: [anyNs(rq('create', 'serviceaccounts', { subresource: 'token' }))] },
  {
    rule: 'wildcard',
    severity: 'high',
    summary: 'a wildcard rule (* verbs on * resources in * API groups): admin-equivalent, future resources included',
    // Only a rule with `*` in verbs, resources and apiGroups (or a wildcard data action) matches this probe.
    requests: [fixed(rq('aks-access-probe', 'aks-access-probes', { apiGroup: 'probe.aks-access.invalid' })), anyNs(rq('aks-access-probe', 'aks-access-probes', { apiGroup: 'probe.aks-access.invalid' }))],
  },
];

const UNAUTHENTICATED_GROUPS = new Set(['system:anonymous', 'system:unauthenticated', 'system:authenticated']);
/** Upstream bootstrap bindings to system:authenticated / unauthenticated that every cluster has. */
const BASELINE_UNAUTH_BINDINGS = new Set(['system:public-info-viewer', 'system:discovery', 'system:basic-user', 'system:service-account-issuer-discovery']);

export function isBaselineSubject(s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace'>): boolean {
  if (s.kind === 'ServiceAccount') return s.namespace === 'kube-system';
  return s.name.startsWith('system:');
}

export function isBaselinePath(p: AccessPath | EscalationPath): boolean {
  if (p.kind === 'rbac') return p.binding.name.startsWith('system:') || p.binding.name.startsWith('aks-');
  return p.kind === 'systemMasters';
}

export function subjectOf(s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace' | 'objectId' | 'displayName'>): RiskySubject {
  return {
    kind: s.kind,
    name: s.name,
    ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
    ...(s.objectId === undefined ? {} : { objectId: s.objectId }),
    ...(s.displayName === undefined ? {} : { displayName: s.displayName }),
  };
}

/** One path per grant: the same assignment or binding rule answering several of a rule's questions is listed once. */
function pathKey(p: AccessPath): string {
  switch (p.kind) {
    case 'rbac':
      return `rbac\0${p.binding.kind}\0${p.binding.namespace ?? ''}\0${p.binding.name}\0${String(p.ruleIndex)}\0${p.viaGroup?.groupId ?? ''}`;
    case 'dataAction':
      return `dataAction\0${p.assignmentId}\0${p.viaGroup?.groupId ?? ''}`;
    case 'adminCredential':
      return `adminCredential\0${p.assignmentId}\0${p.viaGroup?.groupId ?? ''}`;
    default:
      return JSON.stringify(p);
  }
}

const subjectKey = (s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace'>) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

/** Risky-access findings for each cluster: one per rule and subject, with every path that gives it. */
export function riskyAccessFindings(model: AccessModel, options: RiskyAccessOptions = {}): { findings: RiskyAccessFinding[]; warnings: string[] } {
  const findings: RiskyAccessFinding[] = [];
  const warnings: string[] = [];
  const includeBaseline = options.includeBaseline ?? false;
  const ask = options.memo === undefined ? {} : { memo: options.memo };
  for (const cluster of options.clusters ?? model.clusters) {
    for (const rule of KUBERNETES_RULES) {
      const bySubject = new Map<string, { subject: CrossPlaneSubject; paths: AccessPath[]; namespaces: Set<string>; conditional: boolean }>();
      for (const { request, anyNamespace } of rule.requests) {
        const answer: CrossPlaneWhoCan = anyNamespace ? whoCanAcrossAnyNamespace(model, request, [cluster], ask) : whoCanAcross(model, request, [cluster], ask);
        warnings.push(...answer.warnings);
        for (const s of answer.subjects) {
          const entry = bySubject.get(subjectKey(s)) ?? { subject: s, paths: [], namespaces: new Set<string>(), conditional: true };
          for (const p of s.via) if (!entry.paths.some((q) => pathKey(q) === pathKey(p))) entry.paths.push(p);
          for (const ns of s.namespaces ?? (request.namespace === '' ? [] : [request.namespace])) entry.namespaces.add(ns);
          entry.conditional = entry.conditional && s.conditional;
          bySubject.set(subjectKey(s), entry);
        }
      }
      for (const { subject, paths, namespaces, conditional } of bySubject.values()) {
        const baseline = isBaselineSubject(subject) || paths.every(isBaselinePath);
        if (baseline && !includeBaseline) continue;
        const shown = includeBaseline ? paths : paths.filter((p) => !isBaselinePath(p));
        findings.push({
          kind: 'risky-access',
          rule: rule.rule,
          severity: rule.severity,
          clusterId: cluster.id,
          clusterName: cluster.name,
          subject: subjectOf(subject),
          summary: rule.summary,
          path: shown,
          ...(namespaces.size === 0 ? {} : { namespaces: [...namespaces].sort() }),
          ...(conditional ? { conditional: true } : {}),
          ...(baseline ? { baseline: true } : {}),
        });
      }
    }
    findings.push(...unauthenticatedBindings(model, cluster, includeBaseline));
    findings.push(...azurePlane(model, cluster, includeBaseline));
  }
  return { findings, warnings: [...new Set(warnings)] };
}

function unauthenticatedBindings(model: AccessModel, cluster: AksCluster, includeBaseline: boolean): RiskyAccessFinding[] {
  const index = model.kubernetes.get(clusterKey(cluster.id));
  if (index === undefined) return [];
  const out: RiskyAccessFinding[] = [];
  for (const resolved of index.policy.bindings) {
    const b = resolved.binding;
    for (const s of b.subjects) {
      if (!((s.kind === 'Group' && UNAUTHENTICATED_GROUPS.has(s.name)) || (s.kind === 'User' && s.name === 'system:anonymous'))) continue;
      const baseline = BASELINE_UNAUTH_BINDINGS.has(b.name) || b.name.startsWith('aks-') || (b.name.startsWith('system:') && b.namespace === 'kube-system');
      if (baseline && !includeBaseline) continue;
      out.push({
        kind: 'risky-access',
        rule: 'unauthenticated-binding',
        severity: s.name === 'system:authenticated' ? 'high' : 'critical',
        clusterId: cluster.id,
        clusterName: cluster.name,
        subject: { kind: s.kind === 'User' ? 'User' : 'Group', name: s.name },
        summary: `${b.kind} ${b.namespace === '' ? '' : `${b.namespace}/`}${b.name} binds ${b.roleRef.kind} ${b.roleRef.name} to ${s.name}${s.name === 'system:authenticated' ? ' (every authenticated identity, every Entra user of the tenant)' : ' (no credentials needed)'}`,
        path: [{ plane: 'kubernetes', kind: 'binding', binding: `${b.kind}/${b.namespace === '' ? '' : `${b.namespace}/`}${b.name}`, role: `${b.roleRef.kind}/${b.roleRef.name}` }],
        ...(b.namespace === '' ? {} : { namespaces: [b.namespace] }),
        ...(baseline ? { baseline: true } : {}),
      });
    }
  }
  return out;
}

interface AzureRule {
  readonly rule: RiskyRule;
  readonly severity: FindingSeverity;
  readonly action: string;
  readonly summary: string;
  readonly applies: (c: AksCluster) => boolean;
}

const AZURE_RULES: readonly AzureRule[] = [
  {
    rule: 'admin-credential-local-accounts',
    severity: 'critical',
    action: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action',
    summary: 'listClusterAdminCredential with local accounts enabled: a system:masters certificate that bypasses Entra and Azure RBAC',
    applies: (c) => c.localAccountsEnabled,
  },
  {
    rule: 'admin-credential-local-accounts',
    severity: 'critical',
    action: 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
    summary: 'listClusterUserCredential on a cluster without Entra integration: the clusterUser credential is cluster-admin',
    applies: (c) => c.localAccountsEnabled && !c.entraIntegration,
  },
  { rule: 'run-command', severity: 'high', action: 'Microsoft.ContainerService/managedClusters/runCommand/action', summary: 'runCommand: runs a pod with an arbitrary command in the cluster', applies: () => true },
  { rule: 'cluster-write', severity: 'high', action: 'Microsoft.ContainerService/managedClusters/write', summary: 'managedClusters/write: reconfigure the cluster (enable local accounts, disable Azure RBAC)', applies: () => true },
  {
    rule: 'role-assignment-write',
    severity: 'critical',
    action: 'Microsoft.Authorization/roleAssignments/write',
    summary: 'roleAssignments/write at a scope covering the cluster: grant itself Azure Kubernetes Service RBAC Cluster Admin',
    applies: () => true,
  },
];

function azurePlane(model: AccessModel, cluster: AksCluster, includeBaseline: boolean): RiskyAccessFinding[] {
  const out: RiskyAccessFinding[] = [];
  if (cluster.subscriptionId === '') return out;
  const ownIdentities = new Set([cluster.identity?.principalId, ...(cluster.identity?.userAssigned ?? []).map((u) => u.principalId), cluster.kubeletIdentity?.objectId].filter((x): x is string => x !== undefined).map((x) => x.toLowerCase()));
  for (const rule of AZURE_RULES) {
    if (!rule.applies(cluster)) continue;
    const byPrincipal = new Map<string, EscalationPath[]>();
    for (const grant of model.azure.holders(rule.action, 'action', cluster.id)) {
      if (grant.assignment.state !== 'active') continue;
      const principalId = grant.assignment.principalId;
      const denied = model.azure.denialsFor({ principalId, groups: model.entra.groupsOf(principalId) }, rule.action, 'action', cluster.id);
      if (denied.length > 0) continue;
      const list = byPrincipal.get(principalId.toLowerCase()) ?? [];
      list.push({
        plane: 'azure',
        kind: 'escalation',
        cluster: cluster.id,
        action: rule.action,
        assignmentId: grant.assignment.id,
        roleName: grant.role.roleName,
        scope: grant.assignment.scope,
        principalId,
        why: rule.summary,
      });
      byPrincipal.set(principalId.toLowerCase(), list);
    }
    for (const [key, paths] of byPrincipal) {
      const principalId = paths[0]?.principalId ?? key;
      const baseline = ownIdentities.has(key);
      if (baseline && !includeBaseline) continue;
      const entra = model.entra.principal(principalId);
      const kind = entra?.kind === 'group' ? 'Group' : 'User';
      const name = entra?.kind === 'user' && entra.userPrincipalName !== '' ? entra.userPrincipalName : principalId;
      const displayName = model.entra.displayName(principalId);
      out.push({
        kind: 'risky-access',
        rule: rule.rule,
        severity: rule.severity,
        clusterId: cluster.id,
        clusterName: cluster.name,
        subject: { kind, name, objectId: principalId, ...(displayName === undefined ? {} : { displayName }) },
        summary: rule.summary,
        path: paths,
        ...(paths.every((p) => model.azure.holders(rule.action, 'action', cluster.id).some((g) => g.assignment.id === p.assignmentId && g.assignment.condition !== undefined)) ? { conditional: true } : {}),
        ...(baseline ? { baseline: true } : {}),
      });
    }
  }
  return out;
}
