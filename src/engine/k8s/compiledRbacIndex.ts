import type { AccessRequest, NonResourceRequest, ResourceRequest } from '../../model/accessRequest.ts';
import type { ResolvedBinding, RbacPolicy } from './rbacPolicy.ts';
import type { GrantPath } from './grantPath.ts';
import { resourceNameMatches } from './ruleAllows.ts';

/** One rule of one binding, flattened once so a question never walks roles again. */
export interface IndexedGrant {
  readonly binding: ResolvedBinding;
  readonly path: GrantPath;
  /** Upstream visit order (ClusterRoleBindings, then RoleBindings; rules in order): decides which grant "decided". */
  readonly order: number;
}

/** Grants of one scope (cluster-wide or one namespace), keyed by verb, group and resource. */
interface ScopeIndex {
  /** `verb \0 group \0 resource` → grants; `*` entries are stored under `*` and looked up explicitly. */
  readonly resource: Map<string, IndexedGrant[]>;
  /** Non-resource rules, exact URL: `verb \0 url`. */
  readonly urlExact: Map<string, IndexedGrant[]>;
  /** Non-resource rules ending in `*`, by verb: the prefix with trailing stars trimmed. */
  readonly urlPrefix: Map<string, { prefix: string; grant: IndexedGrant }[]>;
}

export interface CompiledRbacIndex {
  readonly policy: RbacPolicy;
  readonly clusterWide: ScopeIndex;
  readonly byNamespace: ReadonlyMap<string, ScopeIndex>;
  readonly grantCount: number;
}

const SEP = '\u0000';

function emptyScope(): ScopeIndex {
  return { resource: new Map(), urlExact: new Map(), urlPrefix: new Map() };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function addGrant(scope: ScopeIndex, grant: IndexedGrant, namespaced: boolean): void {
  const rule = grant.path.rule;
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) push(scope.resource, `${verb}${SEP}${group}${SEP}${resource}`, grant);
    }
    // Non-resource requests are cluster-scoped: a RoleBinding never reaches them, so we do not index them there.
    if (namespaced) continue;
    for (const url of rule.nonResourceURLs) {
      if (url === '*' || url.endsWith('*')) push(scope.urlPrefix, verb, { prefix: url.replace(/\*+$/, ''), grant });
      else push(scope.urlExact, `${verb}${SEP}${url}`, grant);
    }
  }
}

export function compileRbacIndex(policy: RbacPolicy): CompiledRbacIndex {
  const clusterWide = emptyScope();
  const byNamespace = new Map<string, ScopeIndex>();
  let order = 0;
  let grantCount = 0;
  const ordered = [...policy.clusterRoleBindings, ...[...policy.roleBindingsByNamespace.values()].flat()];
  for (const binding of ordered) {
    const namespace = binding.binding.namespace;
    const scope = namespace === '' ? clusterWide : (byNamespace.get(namespace) ?? emptyScope());
    if (namespace !== '') byNamespace.set(namespace, scope);
    binding.rules.forEach((effective, ruleIndex) => {
      const path: GrantPath = {
        binding: binding.bindingKey,
        role: binding.roleKey,
        ruleIndex,
        rule: effective.rule,
        aggregatedFrom: effective.aggregatedFrom,
        namespace,
      };
      addGrant(scope, { binding, path, order: order++ }, namespace !== '');
      grantCount++;
    });
  }
  return { policy, clusterWide, byNamespace, grantCount };
}

function resourceGrants(scope: ScopeIndex, request: ResourceRequest, out: Set<IndexedGrant>): void {
  const combined = request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`;
  const resources = ['*', combined];
  if (request.subresource !== '') resources.push(`*/${request.subresource}`);
  for (const verb of [request.verb, '*']) {
    for (const group of [request.apiGroup, '*']) {
      for (const resource of resources) {
        for (const grant of scope.resource.get(`${verb}${SEP}${group}${SEP}${resource}`) ?? []) {
          if (resourceNameMatches(grant.path.rule, request.name)) out.add(grant);
        }
      }
    }
  }
}

function nonResourceGrants(scope: ScopeIndex, request: NonResourceRequest, out: Set<IndexedGrant>): void {
  for (const verb of [request.verb, '*']) {
    for (const grant of scope.urlExact.get(`${verb}${SEP}${request.path}`) ?? []) out.add(grant);
    for (const { prefix, grant } of scope.urlPrefix.get(verb) ?? []) if (request.path.startsWith(prefix)) out.add(grant);
  }
}

function sorted(grants: Set<IndexedGrant>): IndexedGrant[] {
  return [...grants].sort((a, b) => a.order - b.order);
}

/** Every grant whose rule allows the request and whose binding is consulted for its namespace, in upstream order. */
export function grantsAllowing(index: CompiledRbacIndex, request: AccessRequest): IndexedGrant[] {
  const out = new Set<IndexedGrant>();
  if (request.type === 'nonResource') {
    nonResourceGrants(index.clusterWide, request, out);
    return sorted(out);
  }
  resourceGrants(index.clusterWide, request, out);
  if (request.namespace !== '') {
    const scope = index.byNamespace.get(request.namespace);
    if (scope !== undefined) resourceGrants(scope, request, out);
  }
  return sorted(out);
}

/**
 * The `-A` question: grants that allow the request in some namespace. ClusterRoleBindings hold everywhere;
 * each namespace's RoleBindings hold in that namespace (the request is evaluated there).
 */
export function grantsAllowingInAnyNamespace(index: CompiledRbacIndex, request: ResourceRequest): IndexedGrant[] {
  const out = new Set<IndexedGrant>();
  resourceGrants(index.clusterWide, { ...request, namespace: '' }, out);
  for (const [namespace, scope] of index.byNamespace) resourceGrants(scope, { ...request, namespace }, out);
  return sorted(out);
}
