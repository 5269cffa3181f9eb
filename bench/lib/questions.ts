import { nonResourceRequest, resourceRequest, type AccessRequest, type UserInfo } from '../../src/model/accessRequest.ts';
import type { EntraDirectory, EntraPrincipal } from '../../src/model/entra.ts';
import type { PolicyRule } from '../../src/model/k8sRbac.ts';
import type { RbacPolicy } from '../../src/engine/k8s/rbacPolicy.ts';
import type { EntraIndex } from '../../src/engine/entra/entraIndex.ts';
import { impersonatedUser, serviceAccountUser } from '../../src/engine/k8s/identity.ts';
import { Prng } from '../../src/sim/scenario/prng.ts';

/*
 * Questions drawn deterministically (seeded) from a cluster's own RBAC, so most of them hit real grants, the
 * way people ask about what exists; a fifth are drawn from a fixed vocabulary and mostly find nobody.
 */

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const VOCABULARY: readonly { group: string; resource: string; subresource?: string }[] = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'pods', subresource: 'exec' },
  { group: '', resource: 'pods', subresource: 'log' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'services' },
  { group: '', resource: 'serviceaccounts' },
  { group: '', resource: 'nodes' },
  { group: '', resource: 'namespaces' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'deployments', subresource: 'scale' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'networking.k8s.io', resource: 'ingresses' },
  { group: 'networking.k8s.io', resource: 'networkpolicies' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { group: 'cert-manager.io', resource: 'certificates' },
];

function concrete(rng: Prng, rule: PolicyRule, namespace: string): AccessRequest {
  if (rule.resources.length === 0 && rule.nonResourceURLs.length > 0) {
    const url = rng.pick(rule.nonResourceURLs);
    const verb = rng.pick(rule.verbs);
    return nonResourceRequest(verb === '*' ? 'get' : verb, url.endsWith('*') ? `${url.replace(/\*+$/, '')}v1` : url);
  }
  const verb = rng.pick(rule.verbs);
  const group = rng.pick(rule.apiGroups.length === 0 ? [''] : rule.apiGroups);
  const resource = rng.pick(rule.resources.length === 0 ? ['pods'] : rule.resources);
  const fromVocabulary = rng.pick(VOCABULARY);
  let res = resource;
  let subresource = '';
  if (resource === '*') {
    res = fromVocabulary.resource;
    subresource = fromVocabulary.subresource ?? '';
  } else if (resource.includes('/')) {
    const [r, s] = resource.split('/', 2) as [string, string];
    res = r === '*' ? 'deployments' : r;
    subresource = s;
  }
  const name = rule.resourceNames.length > 0 ? rng.pick(rule.resourceNames) : '';
  const v = verb === '*' ? rng.pick(VERBS) : verb;
  return resourceRequest({ verb: name !== '' && (v === 'list' || v === 'watch') ? 'get' : v, apiGroup: group === '*' ? fromVocabulary.group : group, resource: res, subresource, name, namespace });
}

function vocabularyRequest(rng: Prng, namespaces: readonly string[]): AccessRequest {
  const what = rng.pick(VOCABULARY);
  const clusterScoped = what.resource === 'nodes' || what.resource === 'namespaces' || what.resource === 'clusterroles';
  return resourceRequest({ verb: rng.pick(VERBS), apiGroup: what.group, resource: what.resource, subresource: what.subresource ?? '', namespace: clusterScoped ? '' : rng.pick(namespaces) });
}

/** `count` requests: four in five made from a random binding's rule, in the binding's namespace (or any). */
export function drawRequests(seed: string, policy: RbacPolicy, namespaces: readonly string[], count: number): AccessRequest[] {
  const rng = new Prng(`${seed}/requests`);
  const usable = policy.bindings.filter((b) => b.rules.length > 0);
  const out: AccessRequest[] = [];
  while (out.length < count) {
    if (usable.length === 0 || rng.chance(0.2)) {
      out.push(vocabularyRequest(rng, namespaces));
      continue;
    }
    const binding = rng.pick(usable);
    const rule = rng.pick(binding.rules).rule;
    const namespace = binding.binding.namespace !== '' ? binding.binding.namespace : rng.chance(0.8) ? rng.pick(namespaces) : '';
    out.push(concrete(rng, rule, namespace));
  }
  return out;
}

/** An Entra principal as Kubernetes sees it: its UPN (or object id) and its transitive groups by object id. */
export function kubernetesUserOf(entra: EntraIndex, principal: EntraPrincipal): UserInfo {
  const name = principal.kind === 'user' && principal.userPrincipalName !== '' ? principal.userPrincipalName : principal.id;
  return impersonatedUser(name, entra.groupsOf(principal.id).map((g) => g.groupId));
}

/** `count` identities: half a subject some binding names, half a random Entra user or application. */
export function drawUsers(seed: string, policy: RbacPolicy, directory: EntraDirectory, entra: EntraIndex, count: number): UserInfo[] {
  const rng = new Prng(`${seed}/users`);
  const subjects = policy.bindings.flatMap((b) => b.binding.subjects.map((s) => ({ s, ns: b.binding.namespace })));
  const people: readonly EntraPrincipal[] = [...directory.users, ...directory.servicePrincipals];
  const out: UserInfo[] = [];
  while (out.length < count) {
    if (subjects.length > 0 && rng.chance(0.5)) {
      const { s, ns } = rng.pick(subjects);
      if (s.kind === 'User') out.push(impersonatedUser(s.name, []));
      else if (s.kind === 'Group') out.push(impersonatedUser(`member-of-${s.name}`, [s.name]));
      else out.push(serviceAccountUser(s.namespace === '' ? ns || 'default' : s.namespace, s.name));
    } else if (people.length > 0) {
      out.push(kubernetesUserOf(entra, rng.pick(people)));
    }
  }
  return out;
}

/** `count` Entra principals (users mostly, some applications), for the cross-plane can / rules questions. */
export function drawPrincipals(seed: string, directory: EntraDirectory, count: number): EntraPrincipal[] {
  const rng = new Prng(`${seed}/principals`);
  const out: EntraPrincipal[] = [];
  while (out.length < count) out.push(rng.chance(0.9) || directory.servicePrincipals.length === 0 ? rng.pick(directory.users) : rng.pick(directory.servicePrincipals));
  return out;
}

/** `count` namespaces (a tenth of them "", the cluster scope), for rulesFor. */
export function drawNamespaces(seed: string, namespaces: readonly string[], count: number): string[] {
  const rng = new Prng(`${seed}/namespaces`);
  return Array.from({ length: count }, () => (rng.chance(0.1) ? '' : rng.pick(namespaces)));
}
