/**
 * A reference RBAC evaluator written straight from /work/shared/reference/k8s-rbac-semantics.md (§1, §3, §4,
 * §7), on plain `RbacObjects`. It walks every binding for every question, exactly as the upstream
 * authorizer (`VisitRulesFor`) and subject locator (`AllowedSubjects`) do, and deliberately shares nothing
 * with the compiled index, `can` or `whoCan`: property tests compare those against it, benchmarks use it as
 * the baseline.
 *
 * Reused from the engine, because they have their own table tests and re-deriving them here would only
 * duplicate code: the rule matchers (`ruleAllows`, spec §2) and ClusterRole aggregation
 * (`aggregateClusterRoles`, spec §6).
 */
import type { AccessRequest, UserInfo } from '../../src/model/accessRequest.ts';
import type { Binding, PolicyRule, RbacObjects, Role, Subject } from '../../src/model/k8sRbac.ts';
import { aggregateClusterRoles } from '../../src/engine/k8s/aggregateClusterRoles.ts';
import { ruleAllows } from '../../src/engine/k8s/ruleAllows.ts';

/** §4: members are allowed everything before RBAC is consulted. */
export const SYSTEM_MASTERS = 'system:masters';
const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';

/** What `GetRoleReferenceRules` returns for one binding: the rules, or why there are none. */
export type RoleRefResolution = { readonly rules: readonly PolicyRule[] } | { readonly rules: readonly []; readonly error: string };

/**
 * The objects as an API server would hold them. Duplicates (same kind, namespace and name) cannot exist in a
 * cluster; in manifests the later one wins, as a later `kubectl apply` would.
 */
interface NaiveCluster {
  readonly roles: readonly Role[];
  readonly clusterRoleBindings: readonly Binding[];
  readonly roleBindings: readonly Binding[];
  /** `.rules` of every ClusterRole as the aggregation controller leaves them. */
  readonly clusterRoleRules: ReadonlyMap<string, readonly PolicyRule[]>;
}

function latestOnly<T extends { readonly kind: string; readonly namespace: string; readonly name: string }>(items: readonly T[]): T[] {
  const key = (item: T) => `${item.kind}\u0000${item.namespace}\u0000${item.name}`;
  const lastIndex = new Map<string, number>();
  items.forEach((item, i) => lastIndex.set(key(item), i));
  return items.filter((item, i) => lastIndex.get(key(item)) === i);
}

// Preparing is per object set, not per question, so benchmarks measure evaluation rather than aggregation.
const prepared = new WeakMap<RbacObjects, NaiveCluster>();

function cluster(objects: RbacObjects): NaiveCluster {
  const cached = prepared.get(objects);
  if (cached !== undefined) return cached;
  const roles = latestOnly(objects.roles);
  const bindings = latestOnly(objects.bindings);
  const aggregation = aggregateClusterRoles(roles.filter((r) => r.kind === 'ClusterRole'));
  const clusterRoleRules = new Map<string, readonly PolicyRule[]>();
  for (const [name, effective] of aggregation.rulesByClusterRole) clusterRoleRules.set(name, effective.map((e) => e.rule));
  const result: NaiveCluster = {
    roles,
    clusterRoleBindings: bindings.filter((b) => b.kind === 'ClusterRoleBinding'),
    roleBindings: bindings.filter((b) => b.kind === 'RoleBinding'),
    clusterRoleRules,
  };
  prepared.set(objects, result);
  return result;
}

/**
 * §1 `GetRoleReferenceRules`: `Role` → the Role of that name in the binding's namespace ("" for a
 * ClusterRoleBinding, where no Role lives); `ClusterRole` → its (aggregated) rules; anything else → error.
 */
function resolve(c: NaiveCluster, binding: Binding): RoleRefResolution {
  const ref = binding.roleRef;
  if (ref.kind === 'Role') {
    const found = c.roles.find((r) => r.kind === 'Role' && r.namespace === binding.namespace && r.name === ref.name);
    return found === undefined ? { rules: [], error: `role ${binding.namespace}/${ref.name} not found` } : { rules: found.rules };
  }
  if (ref.kind === 'ClusterRole') {
    const rules = c.clusterRoleRules.get(ref.name);
    return rules === undefined ? { rules: [], error: `clusterrole ${ref.name} not found` } : { rules };
  }
  return { rules: [], error: `unsupported roleRef kind ${ref.kind}` };
}

export function naiveRoleRefRules(objects: RbacObjects, binding: Binding): RoleRefResolution {
  return resolve(cluster(objects), binding);
}

/**
 * §3 `appliesToUser`. `bindingNamespace` is "" for ClusterRoleBindings, so a ServiceAccount subject without
 * a namespace never matches there.
 */
export function naiveSubjectAppliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  if (subject.kind === 'User') return user.name === subject.name;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace === '' ? bindingNamespace : subject.namespace;
    return namespace !== '' && user.name === `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${subject.name}`;
  }
  return false;
}

/**
 * §1 `VisitRulesFor`: every ClusterRoleBinding, then — only for a namespaced request — every RoleBinding in
 * the request's namespace. Non-resource requests have namespace "".
 */
function consultedBindings(c: NaiveCluster, request: AccessRequest): Binding[] {
  const namespace = request.type === 'resource' ? request.namespace : '';
  const consulted = [...c.clusterRoleBindings];
  if (namespace !== '') consulted.push(...c.roleBindings.filter((b) => b.namespace === namespace));
  return consulted;
}

/** §7: allowed iff system:masters, or some rule of a consulted binding naming the user allows the request (rules tested one by one). */
export function naiveCan(objects: RbacObjects, user: UserInfo, request: AccessRequest): boolean {
  if (user.groups.includes(SYSTEM_MASTERS)) return true;
  const c = cluster(objects);
  for (const binding of consultedBindings(c, request)) {
    if (!binding.subjects.some((s) => naiveSubjectAppliesTo(s, user, binding.namespace))) continue;
    if (resolve(c, binding).rules.some((rule) => ruleAllows(rule, request))) return true;
  }
  return false;
}

/**
 * The key of a subject as it can match someone: `User:alice`, `Group:g`, `ServiceAccount:ns/name` (namespace
 * defaulted to the binding's); undefined for subjects that can never match (unknown kinds, a ServiceAccount
 * without namespace in a ClusterRoleBinding).
 */
export function naiveSubjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  if (subject.kind === 'User' || subject.kind === 'Group') return `${subject.kind}:${subject.name}`;
  if (subject.kind !== 'ServiceAccount') return undefined;
  const namespace = subject.namespace === '' ? bindingNamespace : subject.namespace;
  return namespace === '' ? undefined : `ServiceAccount:${namespace}/${subject.name}`;
}

/**
 * Upstream `SubjectAccessEvaluator.AllowedSubjects`: the subjects of every consulted binding one of whose
 * rules allows the request. Unlike upstream this does not seed the answer with group system:masters (this
 * project reports it as a note, and lists it only when a binding names it), and it drops subjects that can
 * never match anyone.
 */
export function naiveWhoCan(objects: RbacObjects, request: AccessRequest): Set<string> {
  const c = cluster(objects);
  const out = new Set<string>();
  for (const binding of consultedBindings(c, request)) {
    if (!resolve(c, binding).rules.some((rule) => ruleAllows(rule, request))) continue;
    for (const subject of binding.subjects) {
      const key = naiveSubjectKey(subject, binding.namespace);
      if (key !== undefined) out.add(key);
    }
  }
  return out;
}
