/**
 * Small builders for hand-written RBAC sets in tests: every field the model requires, nothing more to type.
 */
import type { AggregationRule, Binding, PolicyRule, RbacObjects, Role, Subject } from '../../src/model/k8sRbac.ts';
import { buildRbacPolicy } from '../../src/engine/k8s/rbacPolicy.ts';
import { compileRbacIndex, type CompiledRbacIndex } from '../../src/engine/k8s/compiledRbacIndex.ts';
import type { AnswerSubject, WhoCanAnswer } from '../../src/engine/k8s/whoCan.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function rule(fields: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...fields };
}

/** A resource rule: `resourceRule(['get'], [''], ['pods'])`. */
export function resourceRule(verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []): PolicyRule {
  return rule({ verbs, apiGroups, resources, resourceNames });
}

export function urlRule(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return rule({ verbs, nonResourceURLs });
}

export function clusterRole(
  name: string,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string>; aggregationRule?: AggregationRule } = {},
): Role {
  const base: Role = { kind: 'ClusterRole', name, namespace: '', labels: extra.labels ?? {}, rules, source: 'test' };
  return extra.aggregationRule === undefined ? base : { ...base, aggregationRule: extra.aggregationRule };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { kind: 'Role', name, namespace, labels: {}, rules, source: 'test' };
}

export interface RefSpec {
  readonly kind: string;
  readonly name: string;
}

export const toClusterRole = (name: string): RefSpec => ({ kind: 'ClusterRole', name });
export const toRole = (name: string): RefSpec => ({ kind: 'Role', name });

export function clusterRoleBinding(name: string, ref: RefSpec, subjects: Subject[]): Binding {
  return { kind: 'ClusterRoleBinding', name, namespace: '', roleRef: { apiGroup: RBAC_GROUP, ...ref }, subjects, source: 'test' };
}

export function roleBinding(namespace: string, name: string, ref: RefSpec, subjects: Subject[]): Binding {
  return { kind: 'RoleBinding', name, namespace, roleRef: { apiGroup: RBAC_GROUP, ...ref }, subjects, source: 'test' };
}

export function userSubject(name: string): Subject {
  return { kind: 'User', name, namespace: '', apiGroup: RBAC_GROUP };
}

export function groupSubject(name: string): Subject {
  return { kind: 'Group', name, namespace: '', apiGroup: RBAC_GROUP };
}

/** `namespace` "" means "the binding's namespace" (and never matches in a ClusterRoleBinding). */
export function serviceAccountSubject(name: string, namespace = ''): Subject {
  return { kind: 'ServiceAccount', name, namespace, apiGroup: '' };
}

export function rbac(...items: (Role | Binding)[]): RbacObjects {
  const roles: Role[] = [];
  const bindings: Binding[] = [];
  for (const item of items) {
    if ('roleRef' in item) bindings.push(item);
    else roles.push(item);
  }
  return { roles, bindings };
}

export function compile(objects: RbacObjects): CompiledRbacIndex {
  return compileRbacIndex(buildRbacPolicy(objects));
}

/** `User:alice`, `Group:g`, `ServiceAccount:ns/name`: the keys the reference evaluator uses. */
export function answerKey(subject: AnswerSubject): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount:${subject.namespace ?? ''}/${subject.name}` : `${subject.kind}:${subject.name}`;
}

export function subjectKeys(answer: WhoCanAnswer): string[] {
  return answer.subjects.map((s) => answerKey(s.subject)).sort();
}
