import type { AksCluster } from '../../model/aksCluster.ts';
import type { PolicyRule } from '../../model/k8sRbac.ts';
import type { EntraPrincipal } from '../../model/entra.ts';
import type { RoleDefinition } from '../../model/azureRbac.ts';
import { clusterKey, type AccessModel } from '../access/accessModel.ts';
import { describeAccessPath, type AccessPath, type EscalationPath } from '../access/accessPath.ts';
import { credentialActions, ESCALATION_ACTIONS } from '../access/crossPlaneGrants.ts';
import { principalType, whoCanAcross } from '../access/whoCanAcross.ts';
import { PUBLISHED_AKS_DATA_ACTIONS } from '../aks/publishedDataActions.ts';
import { normalizeScope } from '../azure/scopes.ts';
import { permissionGrants } from '../azure/actionMatches.ts';
import { KUBERNETES_RULES, riskyAccessFindings, type RiskyAccessFinding, type RiskyRule } from '../findings/riskyAccess.ts';
import type { FindingSeverity } from '../findings/clusterIdentityFindings.ts';
import type { Finding } from '../findings/Finding.ts';
import { stableHash } from './stableHash.ts';

/*
 * What each principal can do on one cluster, compact enough to keep one per generation and exact enough that
 * two of them diff into "alice gained ClusterRoleBinding ops → cluster-admin" rather than "something changed".
 *
 * A principal's grants are the bindings and assignments that NAME it (a Kubernetes subject, an Azure
 * assignment's principal, an admin group); an Entra member of a group holding grants lists the group in
 * `groups` and holds the group's grants through it (effectiveAccess). Keeping group grants on the group keeps
 * the digest small — a group of 5 000 members does not repeat its grants 5 000 times — and still reports a
 * member added to an admin group as that member gaining cluster-admin. Kubernetes groups (system:authenticated,
 * system:serviceaccounts:NS) are principals of their own: their membership is not in the index.
 *
 * Risky capabilities are the risky-access rules (riskyAccessFindings, built-in baselines left out as the
 * findings report does) plus `cluster-admin`: holding every verb on every resource cluster-wide, on any plane
 * (system:masters, admin groups, admin credentials, cluster-wide wildcard bindings or data actions).
 */

export type RiskyCapabilityName = RiskyRule | 'cluster-admin';

/** Every capability name, worst first (a Record so a rule added to RiskyRule must be listed here too). */
const CAPABILITIES: Record<RiskyCapabilityName, true> = {
  'cluster-admin': true,
  'workloads-in-kube-system': true,
  'rbac-escalate': true,
  'rbac-bind': true,
  impersonate: true,
  'nodes-proxy': true,
  'unauthenticated-binding': true,
  'admin-credential-local-accounts': true,
  'role-assignment-write': true,
  'secrets-read': true,
  'pods-exec': true,
  'csr-approval': true,
  'webhook-config-write': true,
  'serviceaccount-token': true,
  wildcard: true,
  'run-command': true,
  'cluster-write': true,
};
export const RISKY_CAPABILITIES = Object.keys(CAPABILITIES) as RiskyCapabilityName[];

export type DigestPrincipalKind = 'User' | 'Group' | 'ServicePrincipal' | 'ManagedIdentity' | 'KubernetesUser' | 'KubernetesGroup' | 'ServiceAccount';

export interface DigestGrant {
  /** Stable identity of the grant (binding or assignment, role, and a hash of what the role allows): what diffs compare. */
  readonly key: string;
  readonly plane: 'kubernetes' | 'azure';
  /** The grant in words: `ClusterRoleBinding ops-admins → ClusterRole cluster-admin (cluster-wide)`. */
  readonly text: string;
  /** Key into AccessDigest.rules: what the role allows, as text. */
  readonly rules: string;
}

export interface RiskyCapability {
  readonly capability: RiskyCapabilityName;
  readonly severity: FindingSeverity;
  /** The grants that give it, in words (the findings' paths). */
  readonly evidence: readonly string[];
}

export interface DigestPrincipal {
  /** `entra:<object id>` or `k8s:User:<name>`, `k8s:Group:<name>`, `k8s:ServiceAccount:<namespace>/<name>`. */
  readonly key: string;
  readonly kind: DigestPrincipalKind;
  /** The object id (Entra) or the Kubernetes name. */
  readonly id: string;
  /** How Kubernetes sees it: the UPN of an Entra user, the object id of a group or service principal, the subject name. */
  readonly name: string;
  readonly displayName?: string;
  readonly grants: readonly DigestGrant[];
  /** Keys of the digest's Entra groups this principal is in (transitively) whose grants and capabilities it holds. */
  readonly groups: readonly string[];
  readonly risky: readonly RiskyCapability[];
}

export interface AccessDigest {
  readonly version: 1;
  readonly clusterId: string;
  readonly clusterName: string;
  /** Sorted by key. */
  readonly principals: readonly DigestPrincipal[];
  /** What each grant's role allows, by the hash its grants name (one copy per distinct rule set). */
  readonly rules: Readonly<Record<string, readonly string[]>>;
}

interface Entry {
  key: string;
  kind: DigestPrincipalKind;
  id: string;
  name: string;
  displayName?: string;
  grants: Map<string, DigestGrant>;
  groups: Set<string>;
  risky: Map<RiskyCapabilityName, { severity: FindingSeverity; evidence: Set<string> }>;
}

const entraKey = (id: string) => `entra:${id.toLowerCase()}`;

function ruleText(r: PolicyRule): string {
  if (r.nonResourceURLs.length > 0) return `${r.verbs.join(',')} ${r.nonResourceURLs.join(',')}`;
  const groups = r.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  const names = r.resourceNames.length === 0 ? '' : ` named ${r.resourceNames.join(',')}`;
  return `${r.verbs.join(',')} ${r.resources.join(',')} [${groups}]${names}`;
}

function permissionText(role: RoleDefinition): string[] {
  return role.permissions.map((p) => {
    const part = (label: string, xs: readonly string[]) => (xs.length === 0 ? [] : [`${label} ${xs.join(',')}`]);
    return [...part('actions', p.actions), ...part('notActions', p.notActions), ...part('dataActions', p.dataActions), ...part('notDataActions', p.notDataActions)].join('; ');
  });
}

const SEVERITY_ORDER: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low'];

function pathText(p: RiskyAccessFinding['path'][number]): string {
  return p.kind === 'binding' ? `[kubernetes] ${p.binding} → ${p.role}` : describeAccessPath(p);
}

export interface AccessDigestOptions {
  /**
   * The cluster's risky-access findings when they are already computed (a generation's stored findings, without
   * baselines); absent: computed here with riskyAccessFindings — the costly part of a digest.
   */
  readonly riskyFindings?: readonly RiskyAccessFinding[];
}

/** The options that reuse a generation's stored findings (their risky-access ones, baselines left out as riskyAccessFindings does). */
export function withStoredFindings(findings: readonly Finding[] | undefined): AccessDigestOptions {
  if (findings === undefined) return {};
  return { riskyFindings: findings.filter((f): f is RiskyAccessFinding => f.kind === 'risky-access' && f.baseline !== true) };
}

/** The digest of one cluster of the model (built from the cluster's generation slice or the whole tenant: the answer is the same). */
export function accessDigest(model: AccessModel, cluster: AksCluster, options: AccessDigestOptions = {}): AccessDigest {
  const entries = new Map<string, Entry>();
  const rules: Record<string, readonly string[]> = {};

  const entryOf = (key: string, make: () => Omit<Entry, 'key' | 'grants' | 'groups' | 'risky'>): Entry => {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { key, ...make(), grants: new Map(), groups: new Set(), risky: new Map() };
      entries.set(key, entry);
    }
    return entry;
  };
  const fromEntra = (p: EntraPrincipal): Entry =>
    entryOf(entraKey(p.id), () => ({
      kind: principalType(p) as DigestPrincipalKind,
      id: p.id,
      name: p.kind === 'user' && p.userPrincipalName !== '' ? p.userPrincipalName : p.id,
      ...(p.displayName === undefined ? {} : { displayName: p.displayName }),
    }));
  const fromObjectId = (id: string, kind: DigestPrincipalKind, name = id): Entry => {
    const known = model.entra.principal(id);
    return known !== undefined ? fromEntra(known) : entryOf(entraKey(id), () => ({ kind, id, name }));
  };
  /** A Kubernetes subject as the principal it is: the Entra object Kubernetes knows by that name, or the subject itself. */
  const fromSubject = (kind: string, name: string, namespace: string | undefined): Entry | undefined => {
    if (kind === 'ServiceAccount') {
      const ns = namespace ?? '';
      return entryOf(`k8s:ServiceAccount:${ns}/${name}`, () => ({ kind: 'ServiceAccount', id: `${ns}/${name}`, name: `system:serviceaccount:${ns}:${name}` }));
    }
    const entra = model.entra.resolve(name);
    if (kind === 'User') {
      // The identity join: Kubernetes knows an Entra user by its UPN and a service principal by its object id.
      if (entra !== undefined && entra.kind !== 'group' && (entra.kind === 'user' && entra.userPrincipalName !== '' ? entra.userPrincipalName : entra.id) === name) return fromEntra(entra);
      return entryOf(`k8s:User:${name}`, () => ({ kind: 'KubernetesUser', id: name, name }));
    }
    if (kind === 'Group') {
      if (entra?.kind === 'group' && entra.id.toLowerCase() === name.toLowerCase()) return fromEntra(entra);
      return entryOf(`k8s:Group:${name}`, () => ({ kind: 'KubernetesGroup', id: name, name }));
    }
    return undefined; // other subject kinds never match a request
  };
  const addGrant = (entry: Entry, grant: Omit<DigestGrant, 'rules' | 'key'> & { keyBase: string }, ruleLines: readonly string[]) => {
    const hash = stableHash(ruleLines.join('\n'));
    rules[hash] = ruleLines;
    const key = `${grant.keyBase}|${hash}`;
    entry.grants.set(key, { key, plane: grant.plane, text: grant.text, rules: hash });
  };

  // Kubernetes: every binding and the subjects it names.
  const index = model.kubernetes.get(clusterKey(cluster.id));
  for (const resolved of index?.policy.bindings ?? []) {
    const b = resolved.binding;
    const where = b.namespace === '' ? 'cluster-wide' : `in namespace ${b.namespace}`;
    const bindingName = b.namespace === '' ? b.name : `${b.namespace}/${b.name}`;
    const text = `${b.kind} ${bindingName} → ${b.roleRef.kind} ${b.roleRef.name} (${where})${resolved.error === undefined ? '' : `: grants nothing (${resolved.error})`}`;
    const ruleLines = resolved.error === undefined ? resolved.rules.map((r) => ruleText(r.rule)) : [];
    for (const s of b.subjects) {
      const entry = fromSubject(s.kind, s.name, s.kind === 'ServiceAccount' ? (s.namespace === '' ? b.namespace : s.namespace) : undefined);
      if (entry === undefined) continue;
      addGrant(entry, { keyBase: `k8s|${b.kind}|${b.namespace}|${b.name}|${b.roleRef.kind}|${b.roleRef.name}`, plane: 'kubernetes', text }, ruleLines);
    }
  }

  // Azure: assignments at the cluster, above it or on one of its namespaces whose role leads into the cluster.
  if (cluster.subscriptionId !== '') {
    const clusterScope = normalizeScope(cluster.id);
    const scopes = [cluster.id, ...model.azure.assignmentScopes.filter((s) => normalizeScope(s).startsWith(`${clusterScope}/namespaces/`))];
    const controlActions = [...credentialActions(cluster).map((c) => c.action), ...ESCALATION_ACTIONS.map((e) => e.action)];
    const dataActionsApply = cluster.entraIntegration && cluster.azureRbac;
    // What a role allows here does not depend on who holds it: decided once per role (a tenant has few roles, many assignments).
    const roleReach = new Map<string, { dataActions: number; actions: string[] }>();
    const reachOf = (role: RoleDefinition) => {
      let reach = roleReach.get(role.id);
      if (reach === undefined) {
        const grants = (action: string, kind: 'action' | 'dataAction') => role.permissions.some((p) => permissionGrants(p, action, kind) !== undefined);
        reach = {
          dataActions: PUBLISHED_AKS_DATA_ACTIONS.filter((a) => grants(a, 'dataAction')).length,
          actions: controlActions.filter((a) => grants(a, 'action')).map((a) => a.split('/').slice(-2).join('/')),
        };
        roleReach.set(role.id, reach);
      }
      return reach;
    };
    const seen = new Set<string>();
    for (const scope of scopes) {
      for (const { assignment: a, role } of model.azure.assignmentsAt(scope)) {
        if (seen.has(a.id.toLowerCase())) continue;
        seen.add(a.id.toLowerCase());
        const { dataActions, actions } = reachOf(role);
        if (dataActions === 0 && actions.length === 0) continue;
        const entry = fromObjectId(a.principalId, a.principalType === 'Group' ? 'Group' : a.principalType === 'ServicePrincipal' ? 'ServicePrincipal' : 'User', a.principalName ?? a.principalId);
        const what = [...(dataActions === 0 ? [] : [`${dataActions} Kubernetes data action${dataActions === 1 ? '' : 's'}${dataActionsApply ? '' : ' (not consulted: the cluster does not use Azure RBAC for Kubernetes)'}`]), ...[...actions].sort()].join(', ');
        const qualifiers = `${a.state === 'eligible' ? ', PIM-eligible (grants nothing until activated)' : ''}${a.condition === undefined ? '' : `, only if: ${a.condition}`}`;
        addGrant(
          entry,
          { keyBase: `azure|${a.id.toLowerCase()}|${a.state}|${stableHash(a.condition ?? '')}`, plane: 'azure', text: `role "${role.roleName}" assigned at ${a.scope}: ${what}${qualifiers}` },
          permissionText(role),
        );
      }
    }
  }

  // AKS admin groups: bound to cluster-admin by AKS itself.
  if (cluster.entraIntegration) {
    for (const groupId of cluster.adminGroupObjectIds) {
      addGrant(fromObjectId(groupId, 'Group'), { keyBase: `aks|adminGroup|${groupId.toLowerCase()}`, plane: 'azure', text: 'admin group of the cluster (aadProfile.adminGroupObjectIDs → cluster-admin)' }, ['* * [*]']);
    }
  }

  // Risky capabilities: the findings, and cluster-admin.
  const flag = (entry: Entry, capability: RiskyCapabilityName, severity: FindingSeverity, evidence: readonly string[]) => {
    const held = entry.risky.get(capability) ?? { severity, evidence: new Set<string>() };
    for (const e of evidence) held.evidence.add(e);
    entry.risky.set(capability, held);
  };
  const subjectEntry = (s: { kind: string; name: string; namespace?: string; objectId?: string; principalType?: string }) =>
    s.objectId !== undefined ? fromObjectId(s.objectId, s.kind === 'Group' ? 'Group' : s.principalType === 'ServicePrincipal' ? 'ServicePrincipal' : 'User', s.name) : fromSubject(s.kind, s.name, s.namespace);
  for (const finding of options.riskyFindings ?? riskyAccessFindings(model, { clusters: [cluster] }).findings) {
    const entry = subjectEntry(finding.subject);
    if (entry !== undefined) flag(entry, finding.rule, finding.severity, finding.path.map(pathText));
  }
  const wildcardProbe = KUBERNETES_RULES.find((r) => r.rule === 'wildcard')?.requests.find((q) => !q.anyNamespace)?.request;
  if (wildcardProbe !== undefined) {
    for (const s of whoCanAcross(model, wildcardProbe, [cluster]).subjects) {
      const entry = subjectEntry(s);
      if (entry !== undefined) flag(entry, 'cluster-admin', 'critical', s.via.map((p: AccessPath | EscalationPath) => describeAccessPath(p)));
    }
  }

  // Members of Entra groups that hold something here hold it through the group.
  for (const group of [...entries.values()]) {
    if (group.kind !== 'Group' || (group.grants.size === 0 && group.risky.size === 0)) continue;
    for (const member of model.entra.membersOf(group.id)) {
      const known = model.entra.principal(member.principalId);
      const entry = known === undefined ? fromObjectId(member.principalId, 'User') : fromEntra(known);
      entry.groups.add(group.key);
    }
  }

  const principals = [...entries.values()]
    .map(
      (e): DigestPrincipal => ({
        key: e.key,
        kind: e.kind,
        id: e.id,
        name: e.name,
        ...(e.displayName === undefined ? {} : { displayName: e.displayName }),
        grants: [...e.grants.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
        groups: [...e.groups].sort(),
        risky: [...e.risky]
          .map(([capability, { severity, evidence }]) => ({ capability, severity, evidence: [...evidence].sort() }))
          .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || (a.capability < b.capability ? -1 : 1)),
      }),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { version: 1, clusterId: cluster.id, clusterName: cluster.name, principals, rules };
}
