import { resourceRequest, type ResourceRequest } from '../../../model/accessRequest.ts';
import type { AksCluster } from '../../../model/aksCluster.ts';
import type { K8sServiceAccount } from '../../../model/k8sInventory.ts';
import type { AccessModel } from '../../access/accessModel.ts';
import type { AccessPath, NameOf } from '../../access/accessPath.ts';
import { pathSet, type PathSet } from '../../access/pathSet.ts';
import type { WhoCanAcrossMemo } from '../../access/whoCanAcrossMemo.ts';
import { whoCanAcross, whoCanAcrossAnyNamespace, type CrossPlaneSubject } from '../../access/whoCanAcross.ts';
import { MASTERS } from '../../k8s/identity.ts';
import type { EscalationFinding, EscalationStep, EscalationTarget, EscalationTechnique } from '../EscalationFinding.ts';
import { pathStep } from '../escalationEvidence.ts';
import { isBaselinePath, isBaselineSubject, subjectOf } from '../riskyAccess.ts';
import type { FindingSeverity } from '../clusterIdentityFindings.ts';

/*
 * What every escalation chain of one cluster reads: who already holds cluster-admin and secret read, the holdings
 * of Kubernetes questions asked through whoCanAcross (memoised per cluster), and how a finding is put together.
 */

export const RBAC = 'rbac.authorization.k8s.io';
export const rq = (verb: string, resource: string, more: Partial<Omit<ResourceRequest, 'type' | 'verb' | 'resource'>> = {}) => resourceRequest({ verb, resource, ...more });

/** Only a rule with `*` verbs, resources and API groups (or a wildcard data action) allows this: cluster-admin. */
export const CLUSTER_ADMIN_PROBE = rq('aks-access-probe', 'aks-access-probes', { apiGroup: 'probe.aks-access.invalid' });



export interface Ask {
  readonly request: ResourceRequest;
  readonly anyNamespace?: boolean;
  /** What holding it lets the subject do, in words (listed in the step). */
  readonly means: string;
}

/** A subject holding one or more of a set of requests, with every path and where. */
export interface Holding {
  readonly subject: CrossPlaneSubject;
  readonly paths: AccessPath[];
  /** The paths in `paths` (the same grant answers several questions; listed once). */
  readonly seen: PathSet;
  /** `*` = everywhere (cluster-wide grant). */
  readonly namespaces: Set<string>;
  readonly means: Set<string>;
  conditional: boolean;
}

export const keyOf = (s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace'>) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;

export interface ClusterContext {
  readonly model: AccessModel;
  /** Answers shared with the other questions on the model (absent: each question is worked out on its own). */
  readonly memo?: WhoCanAcrossMemo;
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

export function addPaths(h: Holding, paths: readonly AccessPath[]): void {
  for (const p of paths) if (h.seen.add(p)) h.paths.push(p);
}

export function holders(ctx: Pick<ClusterContext, 'model' | 'cluster' | 'warnings' | 'memo'>, asks: readonly Ask[]): Map<string, Holding> {
  const out = new Map<string, Holding>();
  const options = ctx.memo === undefined ? {} : { memo: ctx.memo };
  for (const { request, anyNamespace, means } of asks) {
    const answer = anyNamespace === true ? whoCanAcrossAnyNamespace(ctx.model, request, [ctx.cluster], options) : whoCanAcross(ctx.model, request, [ctx.cluster], options);
    ctx.warnings.push(...answer.warnings);
    for (const s of answer.subjects) {
      const k = keyOf(s);
      const h = out.get(k) ?? { subject: s, paths: [], seen: pathSet(), namespaces: new Set<string>(), means: new Set<string>(), conditional: true };
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
export function merged(sources: readonly Map<string, Holding>[], namespaces?: readonly string[]): Map<string, Holding> {
  const out = new Map<string, Holding>();
  for (const source of sources) {
    for (const [k, h] of source) {
      const entry = out.get(k) ?? { subject: h.subject, paths: [], seen: pathSet(), namespaces: new Set<string>(namespaces), means: new Set<string>(), conditional: true };
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
export function cached(ctx: ClusterContext, key: string, asks: () => readonly Ask[]): Map<string, Holding> {
  let found = ctx.cache.get(key);
  if (found === undefined) {
    found = holders(ctx, asks());
    ctx.cache.set(key, found);
  }
  return found;
}

export function isAdmin(ctx: ClusterContext, s: CrossPlaneSubject): boolean {
  if (ctx.admins.has(keyOf(s))) return true;
  if (s.objectId === undefined) return false;
  return ctx.model.entra.groupsOf(s.objectId).some((g) => ctx.adminGroups.has(g.groupId.toLowerCase()));
}

/** Namespaces where Group subjects read secrets, by lower-case group name: built once per cluster's secret readers. */
const groupSecretNamespaces = new WeakMap<ReadonlyMap<string, Holding>, Map<string, Set<string>>>();

function secretNamespacesOfGroups(secretReaders: ReadonlyMap<string, Holding>): Map<string, Set<string>> {
  let byGroup = groupSecretNamespaces.get(secretReaders);
  if (byGroup === undefined) {
    byGroup = new Map();
    for (const h of secretReaders.values()) {
      if (h.subject.kind !== 'Group') continue;
      const name = h.subject.name.toLowerCase();
      const namespaces = byGroup.get(name) ?? new Set<string>();
      for (const ns of h.namespaces) namespaces.add(ns);
      byGroup.set(name, namespaces);
    }
    groupSecretNamespaces.set(secretReaders, byGroup);
  }
  return byGroup;
}

/**
 * Namespaces where the subject (or an Entra group it is in) reads secrets. Looked up by the subject's groups, not
 * by scanning every secret reader per subject: at L that scan was the largest single cost of the escalation chains.
 */
export function secretNamespaces(ctx: ClusterContext, s: CrossPlaneSubject): Set<string> {
  const out = new Set(ctx.secretReaders.get(keyOf(s))?.namespaces ?? []);
  if (s.objectId !== undefined) {
    const byGroup = secretNamespacesOfGroups(ctx.secretReaders);
    if (byGroup.size > 0) for (const g of ctx.model.entra.groupsOf(s.objectId)) for (const ns of byGroup.get(g.groupId.toLowerCase()) ?? []) out.add(ns);
  }
  return out;
}

/** Whether `held` covers every namespace of `wanted` (`*` covers all; wanting `*` needs `*`). */
export function covers(held: ReadonlySet<string>, wanted: Iterable<string>): boolean {
  if (held.has('*')) return true;
  for (const ns of wanted) if (!held.has(ns)) return false;
  return true;
}

/** A chain may start here: not already cluster-admin, and (unless asked) not the built-in baseline. */
export function startable(ctx: ClusterContext, h: Holding): boolean {
  if (isAdmin(ctx, h.subject)) return false;
  if (ctx.includeBaseline) return true;
  return !isBaselineSubject(h.subject) && !h.paths.every(isBaselinePath);
}

/** Keeps only the grants a report should show (baseline bindings hidden unless asked). */
export function shown(ctx: ClusterContext, paths: readonly AccessPath[]): AccessPath[] {
  const kept = ctx.includeBaseline ? [...paths] : paths.filter((p) => !isBaselinePath(p));
  return kept.length > 0 ? kept : [...paths];
}

export const SEVERITY: Record<Exclude<EscalationTarget, 'azure-role'>, FindingSeverity> = { 'cluster-admin': 'critical', 'secret-read': 'high' };

export function subjectWords(s: Pick<CrossPlaneSubject, 'kind' | 'name' | 'namespace' | 'displayName'>): string {
  if (s.kind === 'ServiceAccount') return `service account ${s.namespace ?? ''}/${s.name}`;
  return `${s.kind === 'Group' ? 'group' : 'user'} ${s.displayName ?? s.name}`;
}

export function nsScope(cluster: AksCluster, namespaces: Iterable<string>): string {
  const list = [...namespaces].sort();
  if (list.includes('*') || list.length === 0) return cluster.id;
  return list.length === 1 ? `${cluster.id}/namespaces/${list[0] ?? ''}` : list.map((ns) => `${cluster.id}/namespaces/${ns}`).join(' ');
}

export function nsWords(namespaces: Iterable<string>): string {
  const list = [...namespaces].sort();
  return list.includes('*') ? 'every namespace' : `namespace${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
}

export function finding(
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
export function powerStep(ctx: ClusterContext, who: string, target: EscalationTarget, h: Holding | undefined, namespaces?: Iterable<string>): EscalationStep {
  if (target === 'cluster-admin') {
    if (h === undefined) {
      return { plane: 'kubernetes', action: `act as ${who}: cluster-admin`, evidence: [{ type: 'kubernetes-binding', ref: `Group ${MASTERS}`, text: `members of ${MASTERS} are allowed everything before RBAC is consulted` }] };
    }
    return pathStep(`act as ${who}: cluster-admin (every verb on every resource)`, shown(ctx, h.paths), ctx.cluster, ctx.nameOf);
  }
  return pathStep(`act as ${who}: read every secret in ${nsWords(namespaces ?? h?.namespaces ?? [])}`, shown(ctx, h?.paths ?? []), ctx.cluster, ctx.nameOf);
}
