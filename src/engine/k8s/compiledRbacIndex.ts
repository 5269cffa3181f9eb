import type { AccessRequest, NonResourceRequest, ResourceRequest } from '../../model/accessRequest.ts';
import type { ObjectKey } from '../../model/k8sRbac.ts';
import type { ResolvedBinding, RbacPolicy } from './rbacPolicy.ts';
import type { EffectiveRule } from './aggregateClusterRoles.ts';
import type { GrantPath } from './grantPath.ts';
import { resourceNameMatches } from './ruleAllows.ts';

/** One rule of one binding that allows a request: the unit every answer is made of. */
export interface IndexedGrant {
  readonly binding: ResolvedBinding;
  readonly path: GrantPath;
  /** Upstream visit order (ClusterRoleBindings, then RoleBindings; rules in order): decides which grant "decided". */
  readonly order: number;
}

/** A binding and its place in upstream visit order. */
interface OrderedBinding {
  readonly binding: ResolvedBinding;
  readonly order: number;
}

/**
 * One role as bindings see it (a ClusterRole, or a Role in its namespace), with the bindings that reference
 * it: cluster-wide (ClusterRoleBindings) and per namespace (RoleBindings).
 */
interface RoleSlot {
  readonly roleKey: ObjectKey;
  readonly rules: readonly EffectiveRule[];
  readonly clusterWide: OrderedBinding[];
  readonly byNamespace: Map<string, OrderedBinding[]>;
}

interface RuleRef {
  readonly slot: RoleSlot;
  readonly ruleIndex: number;
}

/**
 * The compiled index. Rules are indexed once per ROLE, not once per binding: a cluster's thousands of
 * bindings mostly reference a few dozen roles, so compiling costs (role rules × keys) + (bindings) instead of
 * (bindings × rules × keys). A question looks up the matching role rules, then expands them to the bindings
 * consulted for its namespace.
 */
export interface CompiledRbacIndex {
  readonly policy: RbacPolicy;
  /** Namespaces that have RoleBindings (the ones an any-namespace question must visit). */
  readonly byNamespace: ReadonlyMap<string, readonly ResolvedBinding[]>;
  /** Bindings × their rules: how many (binding, rule) grants the index answers from. */
  readonly grantCount: number;
  /** `verb \0 group \0 resource` → role rules; `*` entries are stored under `*` and looked up explicitly. */
  readonly resource: ReadonlyMap<string, readonly RuleRef[]>;
  /** Non-resource rules, exact URL: `verb \0 url`. */
  readonly urlExact: ReadonlyMap<string, readonly RuleRef[]>;
  /** Non-resource rules ending in `*`, by verb: the prefix with trailing stars trimmed. */
  readonly urlPrefix: ReadonlyMap<string, readonly { prefix: string; ref: RuleRef }[]>;
}

const SEP = '\u0000';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function slotKey(k: ObjectKey): string {
  return `${k.kind}${SEP}${k.namespace ?? ''}${SEP}${k.name}`;
}

export function compileRbacIndex(policy: RbacPolicy): CompiledRbacIndex {
  const slots = new Map<string, RoleSlot>();
  let order = 0;
  let grantCount = 0;
  const ordered = [...policy.clusterRoleBindings, ...[...policy.roleBindingsByNamespace.values()].flat()];
  for (const binding of ordered) {
    const entry: OrderedBinding = { binding, order: order++ };
    // A dangling reference grants nothing; its error is reported by the answers that consult it.
    if (binding.rules.length === 0) continue;
    grantCount += binding.rules.length;
    const key = slotKey(binding.roleKey);
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = { roleKey: binding.roleKey, rules: binding.rules, clusterWide: [], byNamespace: new Map() };
      slots.set(key, slot);
    }
    const namespace = binding.binding.namespace;
    if (namespace === '') slot.clusterWide.push(entry);
    else push(slot.byNamespace, namespace, entry);
  }

  const resource = new Map<string, RuleRef[]>();
  const urlExact = new Map<string, RuleRef[]>();
  const urlPrefix = new Map<string, { prefix: string; ref: RuleRef }[]>();
  for (const slot of slots.values()) {
    // Non-resource requests are cluster-scoped: only ClusterRoleBindings reach them, so a role bound only
    // by RoleBindings needs no URL entries.
    const reachesUrls = slot.clusterWide.length > 0;
    slot.rules.forEach((effective, ruleIndex) => {
      const ref: RuleRef = { slot, ruleIndex };
      const rule = effective.rule;
      for (const verb of rule.verbs) {
        for (const group of rule.apiGroups) {
          for (const res of rule.resources) push(resource, `${verb}${SEP}${group}${SEP}${res}`, ref);
        }
        if (!reachesUrls) continue;
        for (const url of rule.nonResourceURLs) {
          if (url === '*' || url.endsWith('*')) push(urlPrefix, verb, { prefix: url.replace(/\*+$/, ''), ref });
          else push(urlExact, `${verb}${SEP}${url}`, ref);
        }
      }
    });
  }
  return { policy, byNamespace: policy.roleBindingsByNamespace, grantCount, resource, urlExact, urlPrefix };
}

function resourceRefs(index: CompiledRbacIndex, request: ResourceRequest, out: Set<RuleRef>): void {
  const combined = request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`;
  const resources = ['*', combined];
  if (request.subresource !== '') resources.push(`*/${request.subresource}`);
  for (const verb of [request.verb, '*']) {
    for (const group of [request.apiGroup, '*']) {
      for (const res of resources) {
        for (const ref of index.resource.get(`${verb}${SEP}${group}${SEP}${res}`) ?? []) {
          const rule = ref.slot.rules[ref.ruleIndex]?.rule;
          if (rule !== undefined && resourceNameMatches(rule, request.name)) out.add(ref);
        }
      }
    }
  }
}

function nonResourceRefs(index: CompiledRbacIndex, request: NonResourceRequest, out: Set<RuleRef>): void {
  for (const verb of [request.verb, '*']) {
    for (const ref of index.urlExact.get(`${verb}${SEP}${request.path}`) ?? []) out.add(ref);
    for (const { prefix, ref } of index.urlPrefix.get(verb) ?? []) if (request.path.startsWith(prefix)) out.add(ref);
  }
}

/** The grants of one role rule through the given bindings. */
function expand(ref: RuleRef, bindings: readonly OrderedBinding[], namespace: string, out: IndexedGrant[]): void {
  const effective = ref.slot.rules[ref.ruleIndex];
  if (effective === undefined) return;
  for (const { binding, order } of bindings) {
    out.push({
      binding,
      path: {
        binding: binding.bindingKey,
        role: ref.slot.roleKey,
        ruleIndex: ref.ruleIndex,
        rule: effective.rule,
        aggregatedFrom: effective.aggregatedFrom,
        namespace,
      },
      // Bindings first, then rules within a binding: upstream's visit order.
      order: order * 1_000_000 + ref.ruleIndex,
    });
  }
}

function sorted(grants: IndexedGrant[]): IndexedGrant[] {
  return grants.sort((a, b) => a.order - b.order);
}

/** Every grant whose rule allows the request and whose binding is consulted for its namespace, in upstream order. */
export function grantsAllowing(index: CompiledRbacIndex, request: AccessRequest): IndexedGrant[] {
  const refs = new Set<RuleRef>();
  const out: IndexedGrant[] = [];
  if (request.type === 'nonResource') {
    nonResourceRefs(index, request, refs);
    for (const ref of refs) expand(ref, ref.slot.clusterWide, '', out);
    return sorted(out);
  }
  resourceRefs(index, request, refs);
  for (const ref of refs) {
    expand(ref, ref.slot.clusterWide, '', out);
    if (request.namespace !== '') expand(ref, ref.slot.byNamespace.get(request.namespace) ?? [], request.namespace, out);
  }
  return sorted(out);
}

/**
 * The `-A` question: grants that allow the request in some namespace. ClusterRoleBindings hold everywhere;
 * each namespace's RoleBindings hold in that namespace (the request is evaluated there, so a rule restricted
 * by resourceNames is matched against the request's name as usual).
 */
export function grantsAllowingInAnyNamespace(index: CompiledRbacIndex, request: ResourceRequest): IndexedGrant[] {
  const refs = new Set<RuleRef>();
  resourceRefs(index, { ...request, namespace: '' }, refs);
  const out: IndexedGrant[] = [];
  for (const ref of refs) {
    expand(ref, ref.slot.clusterWide, '', out);
    for (const [namespace, bindings] of ref.slot.byNamespace) expand(ref, bindings, namespace, out);
  }
  return sorted(out);
}
