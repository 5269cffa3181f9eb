import { resourceRequest, type ResourceRequest } from '../../model/accessRequest.ts';
import type { AksCluster } from '../../model/aksCluster.ts';
import type { K8sInventory, K8sServiceAccount } from '../../model/k8sInventory.ts';
import { clusterKey, type AccessModel } from '../access/accessModel.ts';
import type { AccessPath, NameOf } from '../access/accessPath.ts';
import { credentialActions } from '../access/crossPlaneGrants.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneSubject } from '../access/whoCanAcross.ts';
import { MASTERS, serviceAccountUsername } from '../k8s/identity.ts';
import type { EscalationEvidence, EscalationFinding, EscalationStep, EscalationTarget, EscalationTechnique } from './EscalationFinding.ts';
import { meansText, pathStep } from './escalationEvidence.ts';
import { isBaselinePath, isBaselineSubject, subjectOf, WORKLOADS } from './riskyAccess.ts';
import type { FindingSeverity } from './clusterIdentityFindings.ts';

/*
 * Escalation paths: chains of grants that take a principal to cluster-admin, to every secret of a namespace, or
 * (through a workload identity) to Azure roles it was never given. Every link is asked of the engine that decides
 * it — whoCanAcross for Kubernetes requests (both planes, exact resourceNames/apiGroups/subresource semantics),
 * the Azure index for role assignments — so a chain is reported only when each step holds on its own.
 *
 * Who is left out: holders of cluster-admin (they reach everything, chains from them add nothing) and the
 * built-in baseline (system:* subjects, kube-system service accounts, system:/aks- bindings, the cluster's own
 * identities) unless includeBaseline is set.
 */

export const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';

/** A federated identity credential of a managed identity or app registration (ARM `federatedIdentityCredentials`). */
export interface FederatedCredential {
  /** The client id (appId) of the identity the credential belongs to. */
  readonly clientId: string;
  /** ARM id (or name) of the credential, for evidence. */
  readonly id: string;
  readonly issuer: string;
  /** `system:serviceaccount:NAMESPACE:NAME` for a Kubernetes service account. */
  readonly subject: string;
}

export interface EscalationInput {
  /** Only these clusters (default: every cluster of the model). */
  readonly clusters?: readonly AksCluster[];
  /**
   * Service accounts per cluster (key: lower-case cluster id): their workload-identity annotations start the
   * cluster → cloud pivot. When a cluster's list is not empty, a service-account pivot also needs the account to exist.
   */
  readonly inventories?: ReadonlyMap<string, Pick<K8sInventory, 'serviceAccounts'>>;
  /**
   * Federated identity credentials. An identity none of them belongs to is unknown: its workload-identity chains
   * rest on the annotation alone (claimedBy: annotation). An identity with credentials here is reached only through
   * one whose subject names the service account and whose issuer is the cluster's OIDC issuer (when the cluster
   * reports one).
   */
  readonly federatedCredentials?: readonly FederatedCredential[];
  /** Report chains that start at built-in subjects and bindings too. */
  readonly includeBaseline?: boolean;
}

const RBAC = 'rbac.authorization.k8s.io';
const rq = (verb: string, resource: string, more: Partial<Omit<ResourceRequest, 'type' | 'verb' | 'resource'>> = {}) => resourceRequest({ verb, resource, ...more });

/** Only a rule with `*` verbs, resources and API groups (or a wildcard data action) allows this: cluster-admin. */
const CLUSTER_ADMIN_PROBE = rq('aks-access-probe', 'aks-access-probes', { apiGroup: 'probe.aks-access.invalid' });


const PRIVILEGED_AZURE_ROLES = new Set(['owner', 'contributor', 'user access administrator', 'role based access control administrator']);

interface Ask {
  readonly request: ResourceRequest;
  readonly anyNamespace?: boolean;
  /** What holding it lets the subject do, in words (listed in the step). */
  readonly means: string;
}

/** A subject holding one or more of a set of requests, with every path and where. */
interface Holding {
  readonly subject: CrossPlaneSubject;
  readonly paths: AccessPath[];
  /** JSON of each path in `paths` (the same grant answers several questions; listed once). */
  readonly seen: Set<string>;
  /** `*` = everywhere (cluster-wide grant). */
  readonly namespaces: Set<string>;
  readonly means: Set<string>;
  conditional: boolean;
}

const keyOf = (s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace'>) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

interface ClusterContext {
  readonly model: AccessModel;
  readonly cluster: AksCluster;
  readonly includeBaseline: boolean;
  readonly warnings: string[];
  readonly nameOf: NameOf;
  /** Holders of cluster-admin (the probe), by subject key. */
  readonly admins: Map<string, Holding>;
  /** Lower-case names of Group subjects holding cluster-admin (an Entra member of one is an admin too). */
  readonly adminGroups: Set<string>;
  /** get or list secrets, with the namespaces where. */
  readonly secretReaders: Map<string, Holding>;
  /** Service accounts the inventory lists (`ns/name`); undefined when unknown. */
  readonly serviceAccounts: ReadonlyMap<string, K8sServiceAccount> | undefined;
  readonly cache: Map<string, Map<string, Holding>>;
}

function addPaths(h: Holding, paths: readonly AccessPath[]): void {
  for (const p of paths) {
    const id = JSON.stringify(p);
    if (h.seen.has(id)) continue;
    h.seen.add(id);
    h.paths.push(p);
  }
}

function holders(ctx: Pick<ClusterContext, 'model' | 'cluster' | 'warnings'>, asks: readonly Ask[]): Map<string, Holding> {
  const out = new Map<string, Holding>();
  for (const { request, anyNamespace, means } of asks) {
    const answer = anyNamespace === true ? whoCanAcrossAnyNamespace(ctx.model, request, [ctx.cluster]) : whoCanAcross(ctx.model, request, [ctx.cluster]);
    ctx.warnings.push(...answer.warnings);
    for (const s of answer.subjects) {
      const k = keyOf(s);
      const h = out.get(k) ?? { subject: s, paths: [], seen: new Set<string>(), namespaces: new Set<string>(), means: new Set<string>(), conditional: true };
      addPaths(h, s.via);
      for (const ns of s.namespaces ?? [request.namespace === '' ? '*' : request.namespace]) h.namespaces.add(ns);
      h.means.add(means);
      h.conditional = h.conditional && s.conditional;
      out.set(k, h);
    }
  }
  return out;
}

/** Holdings of several questions per subject: every path, what each allows; conditional only if every source is. */
function merged(sources: readonly Map<string, Holding>[], namespaces?: readonly string[]): Map<string, Holding> {
  const out = new Map<string, Holding>();
  for (const source of sources) {
    for (const [k, h] of source) {
      const entry = out.get(k) ?? { subject: h.subject, paths: [], seen: new Set<string>(), namespaces: new Set<string>(namespaces), means: new Set<string>(), conditional: true };
      addPaths(entry, h.paths);
      for (const m of h.means) entry.means.add(m);
      if (namespaces === undefined) for (const ns of h.namespaces) entry.namespaces.add(ns);
      entry.conditional = entry.conditional && h.conditional;
      out.set(k, entry);
    }
  }
  return out;
}

/** Holdings memoised per cluster: several chains ask the same questions (create pods in a namespace, …). */
function cached(ctx: ClusterContext, key: string, asks: () => readonly Ask[]): Map<string, Holding> {
  let found = ctx.cache.get(key);
  if (found === undefined) {
    found = holders(ctx, asks());
    ctx.cache.set(key, found);
  }
  return found;
}

function isAdmin(ctx: ClusterContext, s: CrossPlaneSubject): boolean {
  if (ctx.admins.has(keyOf(s))) return true;
  if (s.objectId === undefined) return false;
  return ctx.model.entra.groupsOf(s.objectId).some((g) => ctx.adminGroups.has(g.groupId.toLowerCase()));
}

/** Namespaces where the subject (or an Entra group it is in) reads secrets. */
function secretNamespaces(ctx: ClusterContext, s: CrossPlaneSubject): Set<string> {
  const out = new Set(ctx.secretReaders.get(keyOf(s))?.namespaces ?? []);
  if (s.objectId !== undefined) {
    const groups = new Set(ctx.model.entra.groupsOf(s.objectId).map((g) => g.groupId.toLowerCase()));
    for (const h of ctx.secretReaders.values()) if (h.subject.kind === 'Group' && groups.has(h.subject.name.toLowerCase())) for (const ns of h.namespaces) out.add(ns);
  }
  return out;
}

/** Whether `held` covers every namespace of `wanted` (`*` covers all; wanting `*` needs `*`). */
function covers(held: ReadonlySet<string>, wanted: Iterable<string>): boolean {
  if (held.has('*')) return true;
  for (const ns of wanted) if (!held.has(ns)) return false;
  return true;
}

/** A chain may start here: not already cluster-admin, and (unless asked) not the built-in baseline. */
function startable(ctx: ClusterContext, h: Holding): boolean {
  if (isAdmin(ctx, h.subject)) return false;
  if (ctx.includeBaseline) return true;
  return !isBaselineSubject(h.subject) && !h.paths.every(isBaselinePath);
}

/** Keeps only the grants a report should show (baseline bindings hidden unless asked). */
function shown(ctx: ClusterContext, paths: readonly AccessPath[]): AccessPath[] {
  const kept = ctx.includeBaseline ? [...paths] : paths.filter((p) => !isBaselinePath(p));
  return kept.length > 0 ? kept : [...paths];
}

const SEVERITY: Record<Exclude<EscalationTarget, 'azure-role'>, FindingSeverity> = { 'cluster-admin': 'critical', 'secret-read': 'high' };

function subjectWords(s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace' | 'displayName'>): string {
  if (s.kind === 'ServiceAccount') return `service account ${s.namespace ?? ''}/${s.name}`;
  return `${s.kind === 'Group' ? 'group' : 'user'} ${s.displayName ?? s.name}`;
}

function nsScope(cluster: AksCluster, namespaces: Iterable<string>): string {
  const list = [...namespaces].sort();
  if (list.includes('*') || list.length === 0) return cluster.id;
  return list.length === 1 ? `${cluster.id}/namespaces/${list[0] ?? ''}` : list.map((ns) => `${cluster.id}/namespaces/${ns}`).join(' ');
}

function nsWords(namespaces: Iterable<string>): string {
  const list = [...namespaces].sort();
  return list.includes('*') ? 'every namespace' : `namespace${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
}

function finding(
  ctx: ClusterContext,
  technique: EscalationTechnique,
  target: EscalationTarget,
  subject: CrossPlaneSubject,
  fields: Pick<EscalationFinding, 'permission' | 'scope' | 'steps' | 'summary' | 'remediation' | 'claimedBy'> & {
    severity?: FindingSeverity;
    conditional: boolean;
    /** The holding that starts the chain: a built-in subject, or grants only through built-in bindings, make it baseline. */
    from?: Holding;
    baseline?: boolean;
  },
): EscalationFinding {
  const { severity, conditional, from, baseline: given, ...rest } = fields;
  const baseline = given ?? (isBaselineSubject(subject) || (from !== undefined && from.paths.every(isBaselinePath)));
  return {
    kind: 'escalation-path',
    technique,
    severity: severity ?? (target === 'azure-role' ? 'high' : SEVERITY[target]),
    clusterId: ctx.cluster.id,
    clusterName: ctx.cluster.name,
    subject: subjectOf(subject),
    ...(subject.objectId === undefined ? {} : { principalId: subject.objectId }),
    target,
    ...rest,
    ...(conditional ? { conditional: true } : {}),
    ...(baseline ? { baseline: true } : {}),
  };
}

/** The step that says what the reached identity holds: its own grants. */
function powerStep(ctx: ClusterContext, who: string, target: EscalationTarget, h: Holding | undefined, namespaces?: Iterable<string>): EscalationStep {
  if (target === 'cluster-admin') {
    if (h === undefined) {
      return { plane: 'kubernetes', action: `act as ${who}: cluster-admin`, evidence: [{ type: 'kubernetes-binding', ref: `Group ${MASTERS}`, text: `members of ${MASTERS} are allowed everything before RBAC is consulted` }] };
    }
    return pathStep(`act as ${who}: cluster-admin (every verb on every resource)`, shown(ctx, h.paths), ctx.cluster, ctx.nameOf);
  }
  return pathStep(`act as ${who}: read every secret in ${nsWords(namespaces ?? h?.namespaces ?? [])}`, shown(ctx, h?.paths ?? []), ctx.cluster, ctx.nameOf);
}

// ---------------------------------------------------------------------------------------------------------------
// Azure role → admin kubeconfig → system:masters

function adminCredentialChains(ctx: ClusterContext): EscalationFinding[] {
  const { model, cluster } = ctx;
  const actions = credentialActions(cluster);
  if (actions.length === 0 || cluster.subscriptionId === '') return [];
  const own = new Set(
    [cluster.identity?.principalId, ...(cluster.identity?.userAssigned ?? []).map((u) => u.principalId), cluster.kubeletIdentity?.objectId]
      .filter((x): x is string => x !== undefined)
      .map((x) => x.toLowerCase()),
  );
  const byPrincipal = new Map<string, { principalId: string; evidence: EscalationEvidence[]; actions: Set<string>; becomes: string; conditional: boolean }>();
  for (const { action, becomes } of actions) {
    for (const grant of model.azure.holders(action, 'action', cluster.id)) {
      if (grant.assignment.state !== 'active') continue;
      const principalId = grant.assignment.principalId;
      if (model.azure.denialsFor({ principalId, groups: model.entra.groupsOf(principalId) }, action, 'action', cluster.id).length > 0) continue;
      const entry = byPrincipal.get(principalId.toLowerCase()) ?? { principalId, evidence: [], actions: new Set<string>(), becomes, conditional: true };
      entry.actions.add(action.split('/').slice(-2, -1)[0] ?? action);
      entry.evidence.push({
        type: 'azure-role-assignment',
        ref: grant.assignment.id,
        text: `role "${grant.role.roleName}" assigned at ${grant.assignment.scope} allows ${action} (by ${grant.matchedBy})${grant.assignment.condition === undefined ? '' : ` only if: ${grant.assignment.condition}`}`,
      });
      entry.conditional = entry.conditional && grant.assignment.condition !== undefined;
      byPrincipal.set(principalId.toLowerCase(), entry);
    }
  }
  const out: EscalationFinding[] = [];
  for (const [key, { principalId, evidence, actions: held, becomes, conditional }] of byPrincipal) {
    if (own.has(key) && !ctx.includeBaseline) continue;
    const entra = model.entra.principal(principalId);
    const displayName = model.entra.displayName(principalId);
    const subject: CrossPlaneSubject = {
      kind: entra?.kind === 'group' ? 'Group' : 'User',
      name: entra?.kind === 'user' && entra.userPrincipalName !== '' ? entra.userPrincipalName : principalId,
      objectId: principalId,
      ...(displayName === undefined ? {} : { displayName }),
      via: [],
      conditional,
    };
    const masters = becomes.includes(MASTERS);
    out.push(
      finding(ctx, 'admin-credential', 'cluster-admin', subject, {
        baseline: own.has(key),
        permission: 'cluster-admin',
        scope: cluster.id,
        conditional,
        steps: [
          { plane: 'azure', action: `call ${[...held].sort().join(' and ')} on ${cluster.name}`, evidence },
          {
            plane: 'azure',
            action: `receive a kubeconfig as ${becomes}: local accounts are enabled`,
            evidence: [{ type: 'cluster-setting', ref: `${cluster.id}#properties.disableLocalAccounts`, text: `local accounts are enabled on ${cluster.name}: the credential is a client certificate that bypasses Entra ID and Azure RBAC` }],
          },
          {
            plane: 'kubernetes',
            action: 'use it: cluster-admin',
            evidence: [
              masters
                ? { type: 'kubernetes-binding', ref: `Group ${MASTERS}`, text: `the certificate is in group ${MASTERS}: allowed everything before RBAC is consulted` }
                : { type: 'kubernetes-binding', ref: 'ClusterRoleBinding aks-cluster-admin-binding', text: 'AKS binds clusterUser to cluster-admin on clusters without Entra integration' },
            ],
          },
        ],
        summary: `${subjectWords(subject)} can list the admin credential of ${cluster.name} (local accounts enabled) and becomes cluster-admin`,
        remediation: {
          description: `Disable local accounts on ${cluster.name}, or remove the credential action from the role assignments in step 1`,
          azCli: `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --disable-local-accounts`,
        },
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// impersonate → a more powerful identity

interface ImpersonationTarget {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  readonly target: 'cluster-admin' | 'secret-read';
  /** The target's own grants (undefined for system:masters). */
  readonly holding?: Holding;
}

function impersonationRequest(t: Pick<ImpersonationTarget, 'kind' | 'name' | 'namespace'>): ResourceRequest {
  if (t.kind === 'User') return rq('impersonate', 'users', { name: t.name });
  if (t.kind === 'Group') return rq('impersonate', 'groups', { name: t.name });
  return rq('impersonate', 'serviceaccounts', { name: t.name, namespace: t.namespace ?? '' });
}

/** Kubernetes identities worth impersonating: system:masters, then subjects that hold cluster-admin or read secrets through bindings. */
function impersonationTargets(ctx: ClusterContext): ImpersonationTarget[] {
  const out: ImpersonationTarget[] = [{ kind: 'Group', name: MASTERS, target: 'cluster-admin' }];
  // Only Kubernetes RBAC holds for an impersonated identity here: its Azure grants would need the webhook to see it as an Entra identity.
  const kubernetes = (h: Holding): Holding | undefined => {
    const paths = h.paths.filter((p) => p.kind === 'rbac');
    return paths.length === 0 ? undefined : { ...h, paths };
  };
  for (const h of ctx.admins.values()) {
    const k = kubernetes(h);
    if (k !== undefined && h.subject.name !== MASTERS) out.push({ kind: h.subject.kind, name: h.subject.name, ...(h.subject.namespace === undefined ? {} : { namespace: h.subject.namespace }), target: 'cluster-admin', holding: k });
  }
  for (const h of ctx.secretReaders.values()) {
    const k = kubernetes(h);
    if (k !== undefined && !ctx.admins.has(keyOf(h.subject))) out.push({ kind: h.subject.kind, name: h.subject.name, ...(h.subject.namespace === undefined ? {} : { namespace: h.subject.namespace }), target: 'secret-read', holding: k });
  }
  return out;
}

/** Names that some Kubernetes rule allowing impersonate restricts itself to (resourceNames): only those need a per-name question. */
function namedImpersonations(ctx: ClusterContext): Set<string> {
  const names = new Set<string>();
  for (const b of ctx.model.kubernetes.get(clusterKey(ctx.cluster.id))?.policy.bindings ?? []) {
    for (const { rule } of b.rules) if (rule.resourceNames.length > 0 && (rule.verbs.includes('impersonate') || rule.verbs.includes('*'))) for (const n of rule.resourceNames) names.add(n);
  }
  return names;
}

function impersonationChains(ctx: ClusterContext): EscalationFinding[] {
  // Impersonate-Group is only honoured together with Impersonate-User: group impersonation needs some user to be
  // (any name: a name-restricted user rule does not answer a nameless question, so it is not counted here).
  // A nameless question finds the unrestricted grants (Azure data actions carry no names); a rule restricted by
  // resourceNames answers only a question with one of its names, asked only for targets that some rule names.
  const anyName = {
    User: holders(ctx, [{ request: rq('impersonate', 'users'), means: 'impersonate any user' }]),
    Group: holders(ctx, [{ request: rq('impersonate', 'groups'), means: 'impersonate any group' }]),
    ServiceAccount: holders(ctx, [{ request: rq('impersonate', 'serviceaccounts'), anyNamespace: true, means: 'impersonate any service account' }]),
  };
  const asUser = merged([anyName.User, anyName.ServiceAccount]);
  const named = namedImpersonations(ctx);
  const best = new Map<string, { holder: Holding; target: ImpersonationTarget; user?: Holding }>();
  for (const t of impersonationTargets(ctx)) {
    const held = new Map([...anyName[t.kind]].filter(([, h]) => t.kind !== 'ServiceAccount' || h.namespaces.has('*') || h.namespaces.has(t.namespace ?? '')));
    if (named.has(t.name)) {
      for (const [k, h] of holders(ctx, [{ request: impersonationRequest(t), means: `impersonate ${t.kind} ${t.namespace === undefined ? '' : `${t.namespace}/`}${t.name}` }])) held.set(k, h);
    }
    for (const [k, h] of held) {
      if (!startable(ctx, h)) continue;
      if (keyOf(h.subject) === keyOf(t)) continue;
      const user = asUser.get(k);
      if (t.kind === 'Group' && user === undefined) continue;
      if (t.target === 'secret-read' && covers(secretNamespaces(ctx, h.subject), t.holding?.namespaces ?? [])) continue;
      const previous = best.get(k);
      // One chain per subject: to cluster-admin when it can, else to secret read (first target found wins).
      if (previous !== undefined && (previous.target.target === 'cluster-admin' || t.target === 'secret-read')) continue;
      best.set(k, { holder: h, target: t, ...(user === undefined ? {} : { user }) });
    }
  }
  const out: EscalationFinding[] = [];
  for (const { holder, target: t, user } of best.values()) {
    const who = `${t.kind} ${t.namespace === undefined ? '' : `${t.namespace}/`}${t.name}`;
    const steps: EscalationStep[] = [pathStep(`impersonate ${who}`, holder.paths, ctx.cluster, ctx.nameOf)];
    if (t.kind === 'Group' && user !== undefined) steps.push(pathStep(`impersonate a user to carry the group (${meansText(user.means)})`, user.paths, ctx.cluster, ctx.nameOf));
    steps.push(powerStep(ctx, who, t.target, t.holding));
    const namespaces = t.holding?.namespaces ?? new Set(['*']);
    out.push(
      finding(ctx, 'impersonate', t.target, holder.subject, {
        from: holder,
        permission: t.target === 'cluster-admin' ? 'cluster-admin' : 'secrets get/list',
        scope: t.target === 'cluster-admin' ? ctx.cluster.id : nsScope(ctx.cluster, namespaces),
        conditional: holder.conditional || (user?.conditional ?? false),
        steps,
        summary: `${subjectWords(holder.subject)} can impersonate ${who} and so ${t.target === 'cluster-admin' ? 'becomes cluster-admin' : `reads every secret in ${nsWords(namespaces)}`}`,
        remediation: { description: `Remove impersonate from the role of ${steps[0]?.evidence.map((e) => e.ref).join(', ') ?? ''}, or restrict it with resourceNames to identities that hold nothing (never ${MASTERS})` },
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// bind / escalate on roles + create bindings → cluster-admin (or every secret of a namespace)

function bindEscalateChains(ctx: ClusterContext): EscalationFinding[] {
  const out: EscalationFinding[] = [];
  const found = new Set<string>();
  const roleStep: EscalationStep = { plane: 'kubernetes', action: 'hold cluster-admin', evidence: [{ type: 'kubernetes-role', ref: 'ClusterRole cluster-admin', text: 'ClusterRole cluster-admin: every verb on every resource' }] };
  const toClusterAdmin = (from: Holding, conditional: boolean, steps: EscalationStep[], summary: string, remediation: string) =>
    finding(ctx, 'bind-escalate', 'cluster-admin', from.subject, { from, permission: 'cluster-admin', scope: ctx.cluster.id, conditional, steps, summary, remediation: { description: remediation } });
  // bind is checked on the role named by the new binding's roleRef, in the binding's namespace ("" for ClusterRoleBindings).
  const bindAdmin = holders(ctx, [{ request: rq('bind', 'clusterroles', { apiGroup: RBAC, name: 'cluster-admin' }), means: 'bind ClusterRole cluster-admin' }]);
  const createCrb = holders(ctx, [{ request: rq('create', 'clusterrolebindings', { apiGroup: RBAC }), means: 'create clusterrolebindings' }]);
  for (const [k, bind] of bindAdmin) {
    const create = createCrb.get(k);
    if (create === undefined || !startable(ctx, bind)) continue;
    found.add(k);
    out.push(
      toClusterAdmin(
        bind,
        bind.conditional || create.conditional,
        [
          pathStep('bind ClusterRole cluster-admin (the bind check passes without holding its permissions)', bind.paths, ctx.cluster, ctx.nameOf),
          pathStep('create a ClusterRoleBinding of cluster-admin to itself', create.paths, ctx.cluster, ctx.nameOf),
          roleStep,
        ],
        `${subjectWords(bind.subject)} can bind cluster-admin and create ClusterRoleBindings: it can make itself cluster-admin`,
        'Remove bind on clusterroles (or restrict its resourceNames to harmless roles), or remove create on clusterrolebindings',
      ),
    );
  }
  // escalate lets a role be written with rules its author does not hold; editing a ClusterRole the subject is
  // bound to (through a ClusterRoleBinding) makes it cluster-admin.
  const escalate = holders(ctx, [{ request: rq('escalate', 'clusterroles', { apiGroup: RBAC }), means: 'escalate clusterroles' }]);
  const update = holders(ctx, [
    { request: rq('update', 'clusterroles', { apiGroup: RBAC }), means: 'update clusterroles' },
    { request: rq('patch', 'clusterroles', { apiGroup: RBAC }), means: 'patch clusterroles' },
  ]);
  for (const [k, esc] of escalate) {
    const upd = update.get(k);
    if (upd === undefined || found.has(k) || !startable(ctx, esc)) continue;
    const own = [...esc.paths, ...upd.paths].find((p) => p.kind === 'rbac' && p.binding.kind === 'ClusterRoleBinding' && p.role.kind === 'ClusterRole');
    if (own?.kind !== 'rbac') continue;
    found.add(k);
    out.push(
      toClusterAdmin(
        esc,
        esc.conditional || upd.conditional,
        [
          pathStep('escalate on clusterroles: write rules it does not hold', esc.paths, ctx.cluster, ctx.nameOf),
          pathStep(`${meansText(upd.means)}: add "*" rules to ClusterRole ${own.role.name}`, upd.paths, ctx.cluster, ctx.nameOf),
          pathStep(`ClusterRole ${own.role.name} is bound to it cluster-wide: cluster-admin`, [own], ctx.cluster, ctx.nameOf),
        ],
        `${subjectWords(esc.subject)} can escalate and edit ClusterRole ${own.role.name}, which is bound to it: it can make itself cluster-admin`,
        'Remove escalate on clusterroles (only the RBAC managers need it), or remove update/patch on clusterroles',
      ),
    );
  }
  // In one namespace: bind cluster-admin there + create RoleBindings there → every permission of the namespace, secrets included.
  const bindNs = holders(ctx, [{ request: rq('bind', 'clusterroles', { apiGroup: RBAC, name: 'cluster-admin' }), anyNamespace: true, means: 'bind ClusterRole cluster-admin' }]);
  const createRb = holders(ctx, [{ request: rq('create', 'rolebindings', { apiGroup: RBAC }), anyNamespace: true, means: 'create rolebindings' }]);
  for (const [k, bind] of bindNs) {
    const create = createRb.get(k);
    if (create === undefined || found.has(k) || !startable(ctx, bind)) continue;
    const namespaces = intersect(bind.namespaces, create.namespaces);
    if (namespaces.size === 0 || covers(secretNamespaces(ctx, bind.subject), namespaces)) continue;
    out.push(
      finding(ctx, 'bind-escalate', 'secret-read', bind.subject, {
        from: bind,
        permission: 'secrets get/list',
        scope: nsScope(ctx.cluster, namespaces),
        conditional: bind.conditional || create.conditional,
        steps: [
          pathStep(`bind ClusterRole cluster-admin in ${nsWords(namespaces)}`, bind.paths, ctx.cluster, ctx.nameOf),
          pathStep(`create a RoleBinding of cluster-admin to itself in ${nsWords(namespaces)}`, create.paths, ctx.cluster, ctx.nameOf),
          { plane: 'kubernetes', action: `hold every permission in ${nsWords(namespaces)}, secrets included`, evidence: roleStep.evidence },
        ],
        summary: `${subjectWords(bind.subject)} can bind cluster-admin in ${nsWords(namespaces)}: it can read every secret there`,
        remediation: { description: 'Remove bind on clusterroles (or restrict its resourceNames to harmless roles), or remove create on rolebindings' },
      }),
    );
  }
  // In a namespace: escalate + update/patch on roles there, with a RoleBinding there binding a Role to the subject →
  // write "*" rules into that Role → every permission of the namespace, secrets included.
  const escalateNs = holders(ctx, [{ request: rq('escalate', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'escalate roles' }]);
  const updateNs = holders(ctx, [
    { request: rq('update', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'update roles' },
    { request: rq('patch', 'roles', { apiGroup: RBAC }), anyNamespace: true, means: 'patch roles' },
  ]);
  for (const [k, esc] of escalateNs) {
    const upd = updateNs.get(k);
    if (upd === undefined || found.has(k) || !startable(ctx, esc)) continue;
    const namespaces = intersect(esc.namespaces, upd.namespaces);
    const own = [...esc.paths, ...upd.paths].find((p) => p.kind === 'rbac' && p.binding.kind === 'RoleBinding' && p.role.kind === 'Role' && (namespaces.has('*') || namespaces.has(p.namespace)));
    if (own?.kind !== 'rbac' || covers(secretNamespaces(ctx, esc.subject), [own.namespace])) continue;
    out.push(
      finding(ctx, 'bind-escalate', 'secret-read', esc.subject, {
        from: esc,
        permission: 'secrets get/list',
        scope: nsScope(ctx.cluster, [own.namespace]),
        conditional: esc.conditional || upd.conditional,
        steps: [
          pathStep(`escalate on roles in ${own.namespace}: write rules it does not hold`, esc.paths, ctx.cluster, ctx.nameOf),
          pathStep(`${meansText(upd.means)}: add "*" rules to Role ${own.namespace}/${own.role.name}`, upd.paths, ctx.cluster, ctx.nameOf),
          pathStep(`Role ${own.namespace}/${own.role.name} is bound to it: every permission in ${own.namespace}, secrets included`, [own], ctx.cluster, ctx.nameOf),
        ],
        summary: `${subjectWords(esc.subject)} can escalate and edit Role ${own.namespace}/${own.role.name}, which is bound to it: it can read every secret in ${own.namespace}`,
        remediation: { description: 'Remove escalate on roles, or remove update/patch on roles' },
      }),
    );
  }
  return out;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  if (a.has('*')) return new Set(b);
  if (b.has('*')) return new Set(a);
  return new Set([...a].filter((ns) => b.has(ns)));
}

// ---------------------------------------------------------------------------------------------------------------
// run as a service account: create pods / workloads (or mint a token) in its namespace

/** Who can run code as the service account: create pods or workload controllers in its namespace, change their templates, or mint its token. */
function entryHolders(ctx: ClusterContext, namespace: string, name: string): Map<string, Holding> {
  const pods = cached(ctx, `pods\0${namespace}`, () => [
    { request: rq('create', 'pods', { namespace }), means: 'create pods' },
    // Workload controllers run pods as the service account their template names: creating one, or changing its template.
    ...WORKLOADS.flatMap(([apiGroup, resource]) => ['create', 'update', 'patch'].map((verb) => ({ request: rq(verb, resource, { apiGroup, namespace }), means: `${verb} ${resource}` }))),
  ]);
  const token = cached(ctx, `token\0${namespace}\0${name}`, () => [{ request: rq('create', 'serviceaccounts', { subresource: 'token', name, namespace }), means: `create serviceaccounts/token for ${name}` }]);
  return merged([pods, token], [namespace]);
}

function entryStep(ctx: ClusterContext, h: Holding, namespace: string, name: string): EscalationStep {
  return pathStep(`run a pod as service account ${namespace}/${name} (${meansText(h.means)} in ${namespace})`, h.paths, ctx.cluster, ctx.nameOf);
}

function serviceAccountExists(ctx: ClusterContext, namespace: string, name: string): boolean {
  return ctx.serviceAccounts === undefined || name === 'default' || ctx.serviceAccounts.has(`${namespace}/${name}`);
}

const SERVICE_ACCOUNTS_OF = 'system:serviceaccounts:';

/**
 * The service account a pod can run as to hold what `h` holds: the account itself, or — for a binding to group
 * system:serviceaccounts:NS, which every service-account token of NS carries — the `default` account of NS.
 */
function accountOf(h: Holding): { namespace: string; name: string; who: string } | undefined {
  const s = h.subject;
  if (s.kind === 'ServiceAccount' && s.namespace !== undefined && s.namespace !== '') return { namespace: s.namespace, name: s.name, who: `service account ${s.namespace}/${s.name}` };
  if (s.kind === 'Group' && s.name.startsWith(SERVICE_ACCOUNTS_OF) && s.name.length > SERVICE_ACCOUNTS_OF.length) {
    const namespace = s.name.slice(SERVICE_ACCOUNTS_OF.length);
    return { namespace, name: 'default', who: `service account ${namespace}/default (every account of ${namespace} is in group ${s.name})` };
  }
  return undefined;
}

function serviceAccountChains(ctx: ClusterContext): EscalationFinding[] {
  const targets: { sa: Holding; target: 'cluster-admin' | 'secret-read' }[] = [];
  for (const h of ctx.admins.values()) targets.push({ sa: h, target: 'cluster-admin' });
  for (const h of ctx.secretReaders.values()) if (!ctx.admins.has(keyOf(h.subject))) targets.push({ sa: h, target: 'secret-read' });
  const out: EscalationFinding[] = [];
  const done = new Set<string>();
  for (const { sa, target } of targets) {
    const account = accountOf(sa);
    if (account === undefined || !serviceAccountExists(ctx, account.namespace, account.name)) continue;
    const { namespace, name, who } = account;
    for (const [k, h] of entryHolders(ctx, namespace, name)) {
      // Accounts that already hold it: the target itself, or (group targets) any account of the namespace.
      if (k === keyOf(sa.subject) || (sa.subject.kind === 'Group' && h.subject.kind === 'ServiceAccount' && h.subject.namespace === namespace) || !startable(ctx, h)) continue;
      if (target === 'secret-read' && covers(secretNamespaces(ctx, h.subject), sa.namespaces)) continue;
      // One chain per subject and target: the first service account found is enough to cut.
      const once = `${k}\0${target}`;
      if (done.has(once) || (target === 'secret-read' && done.has(`${k}\0cluster-admin`))) continue;
      done.add(once);
      out.push(
        finding(ctx, 'service-account-pivot', target, h.subject, {
          from: h,
          permission: target === 'cluster-admin' ? 'cluster-admin' : 'secrets get/list',
          scope: target === 'cluster-admin' ? ctx.cluster.id : nsScope(ctx.cluster, sa.namespaces),
          conditional: h.conditional,
          steps: [entryStep(ctx, h, namespace, name), powerStep(ctx, who, target, sa)],
          summary: `${subjectWords(h.subject)} can run a pod as ${who} in ${namespace} and so ${target === 'cluster-admin' ? 'becomes cluster-admin' : `reads every secret in ${nsWords(sa.namespaces)}`}`,
          remediation: {
            description: `Narrow ${who} (move the workload that needs it to a namespace of its own), or remove create/update of pods and workloads in ${namespace} from the bindings in step 1`,
            kubectl: `kubectl auth can-i --list --as=${serviceAccountUsername(namespace, name)}`,
          },
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// cluster → cloud: a service account with an Azure workload identity → the managed identity → its Azure roles

function sameIssuer(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
}

function workloadIdentityChains(ctx: ClusterContext, input: EscalationInput): EscalationFinding[] {
  const { model, cluster } = ctx;
  const out: EscalationFinding[] = [];
  const issuer = cluster.oidcIssuerUrl;
  for (const sa of ctx.serviceAccounts?.values() ?? []) {
    const clientId = sa.annotations[WORKLOAD_IDENTITY_CLIENT_ID]?.trim();
    if (clientId === undefined || clientId === '') continue;
    const sp = model.entra.byAppId(clientId);
    if (sp === undefined) {
      ctx.warnings.push(`service account ${sa.namespace}/${sa.name} on ${cluster.name} names workload identity client id ${clientId}, which matches no service principal in the directory: its Azure access is unknown`);
      continue;
    }
    const subjectName = serviceAccountUsername(sa.namespace, sa.name);
    let claimedBy: 'annotation' | 'federated-credential' = 'annotation';
    let credential: FederatedCredential | undefined;
    const known = (input.federatedCredentials ?? []).filter((c) => c.clientId.toLowerCase() === clientId.toLowerCase());
    if (known.length > 0) {
      credential = known.find((c) => c.subject === subjectName && (issuer === undefined || sameIssuer(c.issuer, issuer)));
      // The identity's credentials are known and none trusts this service account here: the annotation alone gets no token.
      if (credential === undefined) continue;
      claimedBy = 'federated-credential';
    }
    const assignments = model.azure.assignmentsOf({ principalId: sp.id, groups: model.entra.groupsOf(sp.id) }).filter((a) => a.assignment.state === 'active');
    if (assignments.length === 0) continue;
    // The account itself, and the identity itself (holding create pods through its own assignments), reach nothing new.
    const entries = [...entryHolders(ctx, sa.namespace, sa.name)].filter(
      ([k, h]) => k !== keyOf({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }) && h.subject.objectId?.toLowerCase() !== sp.id.toLowerCase() && startable(ctx, h),
    );
    const spName = sp.displayName ?? sp.id;
    const identityStep: EscalationStep = {
      plane: 'workload-identity',
      action: `the pod's service-account token is exchanged for an Entra token of ${spName} (client id ${clientId})`,
      evidence: [
        { type: 'service-account', ref: `ServiceAccount ${sa.namespace}/${sa.name}`, text: `annotated ${WORKLOAD_IDENTITY_CLIENT_ID}: ${clientId}` },
        credential === undefined
          ? { type: 'federated-credential', ref: `${clientId}#${subjectName}`, text: `no federated identity credential known: the chain is claimed by the annotation only (a credential with issuer ${issuer ?? "the cluster's OIDC issuer"} and subject ${subjectName} must exist for it to hold)` }
          : { type: 'federated-credential', ref: credential.id, text: `federated identity credential trusts issuer ${credential.issuer}, subject ${credential.subject}` },
      ],
    };
    const entraStep: EscalationStep = {
      plane: 'entra',
      action: `act as ${sp.servicePrincipalType === 'ManagedIdentity' ? 'managed identity' : 'service principal'} ${spName}`,
      evidence: [{ type: 'service-principal', ref: sp.id, text: `service principal ${spName} (object id ${sp.id}) has appId ${clientId}` }],
    };
    const roleEvidence = assignments.flatMap(({ assignment, role, viaGroup }): EscalationEvidence[] => [
      { type: 'azure-role-assignment', ref: assignment.id, text: `role "${role.roleName}" assigned to ${spName} at ${assignment.scope}${assignment.condition === undefined ? '' : ` only if: ${assignment.condition}`}` },
      ...(viaGroup === undefined ? [] : [{ type: 'group-membership' as const, ref: viaGroup.groupId, text: `${spName} is a member of group ${viaGroup.chain.map((id) => ctx.nameOf(id) ?? id).join(' → ')}` }]),
    ]);
    const roles = [...new Set(assignments.map((a) => a.role.roleName))].sort();
    const scopes = [...new Set(assignments.map((a) => a.assignment.scope))].sort();
    const roleWords = assignments.map((a) => `"${a.role.roleName}" at ${a.assignment.scope}`).join(', ');
    const roleStep: EscalationStep = { plane: 'azure', action: `hold the Azure role${assignments.length === 1 ? '' : 's'} ${roleWords}`, evidence: roleEvidence };
    // One finding per starting subject and service account: every role the identity holds is in the last step
    // (permission and scope list them all when there are several).
    for (const [, h] of entries) {
      out.push(
        finding(ctx, 'workload-identity', 'azure-role', h.subject, {
          from: h,
          severity: roles.some((r) => PRIVILEGED_AZURE_ROLES.has(r.toLowerCase())) ? 'critical' : 'high',
          permission: roles.join(', '),
          scope: scopes.join(' '),
          conditional: h.conditional || assignments.every((a) => a.assignment.condition !== undefined),
          steps: [entryStep(ctx, h, sa.namespace, sa.name), identityStep, entraStep, roleStep],
          summary: `${subjectWords(h.subject)} can run a pod as service account ${sa.namespace}/${sa.name} on ${cluster.name}, whose workload identity ${spName} holds ${roleWords}`,
          claimedBy,
          remediation: {
            description: `Restrict who can create pods and workloads in ${sa.namespace}, or narrow ${spName}'s role assignments; the identity is only as contained as the namespace that can use it`,
            azCli: `az role assignment list --assignee ${sp.id} --all --output table`,
          },
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

const TECHNIQUE_ORDER: Record<EscalationTechnique, number> = { 'admin-credential': 0, impersonate: 1, 'bind-escalate': 2, 'service-account-pivot': 3, 'workload-identity': 4 };

/** Escalation paths per cluster: each a chain of steps, each step with the grants that make it true. */
export function escalationFindings(model: AccessModel, input: EscalationInput = {}): { findings: EscalationFinding[]; warnings: string[] } {
  const findings: EscalationFinding[] = [];
  const warnings: string[] = [];
  const nameOf: NameOf = (id) => model.entra.displayName(id);
  for (const cluster of input.clusters ?? model.clusters) {
    const base = { model, cluster, warnings };
    const admins = holders(base, [{ request: CLUSTER_ADMIN_PROBE, means: 'cluster-admin' }]);
    const accounts = input.inventories?.get(clusterKey(cluster.id))?.serviceAccounts ?? [];
    const ctx: ClusterContext = {
      ...base,
      includeBaseline: input.includeBaseline ?? false,
      nameOf,
      admins,
      adminGroups: new Set([...admins.values()].filter((h) => h.subject.kind === 'Group').map((h) => h.subject.name.toLowerCase())),
      secretReaders: holders(base, [
        { request: rq('get', 'secrets'), anyNamespace: true, means: 'get secrets' },
        { request: rq('list', 'secrets'), anyNamespace: true, means: 'list secrets' },
      ]),
      serviceAccounts: accounts.length === 0 ? undefined : new Map(accounts.map((sa) => [`${sa.namespace}/${sa.name}`, sa])),
      cache: new Map(),
    };
    const forCluster = [...adminCredentialChains(ctx), ...impersonationChains(ctx), ...bindEscalateChains(ctx), ...serviceAccountChains(ctx), ...workloadIdentityChains(ctx, input)];
    forCluster.sort(
      (a, b) =>
        TECHNIQUE_ORDER[a.technique] - TECHNIQUE_ORDER[b.technique] ||
        keyOf(a.subject).localeCompare(keyOf(b.subject)) ||
        a.target.localeCompare(b.target) ||
        a.scope.localeCompare(b.scope) ||
        a.permission.localeCompare(b.permission),
    );
    findings.push(...forCluster);
  }
  return { findings, warnings: [...new Set(warnings)] };
}
