import type { ObjectKey, PolicyRule } from '../../model/k8sRbac.ts';

/** One way a subject gets access: binding → role → rule. The unit of every explanation. */
export interface GrantPath {
  readonly binding: ObjectKey;
  readonly role: ObjectKey;
  /** Index into the role's effective `.rules` (after aggregation, in the order the controller writes them). */
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  /** ClusterRoles an aggregated rule came through, nearest first; empty for the role's own rules. */
  readonly aggregatedFrom: readonly string[];
  /** Namespace the grant holds in; "" means cluster-wide (a ClusterRoleBinding: every namespace and cluster scope). */
  readonly namespace: string;
}

export function describeRule(rule: PolicyRule): string {
  const parts: string[] = [`verbs=${rule.verbs.join(',')}`];
  if (rule.resources.length > 0 || rule.apiGroups.length > 0) {
    parts.push(`apiGroups=${rule.apiGroups.map((g) => (g === '' ? '""' : g)).join(',')}`);
    parts.push(`resources=${rule.resources.join(',')}`);
  }
  if (rule.resourceNames.length > 0) parts.push(`resourceNames=${rule.resourceNames.join(',')}`);
  if (rule.nonResourceURLs.length > 0) parts.push(`nonResourceURLs=${rule.nonResourceURLs.join(',')}`);
  return `{${parts.join(' ')}}`;
}

function key(k: ObjectKey): string {
  return k.namespace === undefined ? `${k.kind} ${k.name}` : `${k.kind} ${k.namespace}/${k.name}`;
}

/** `RoleBinding payments/devs → ClusterRole edit (via admin ← system:aggregate-to-edit) rule #3 {…}` */
export function describePath(path: GrantPath): string {
  const via = path.aggregatedFrom.length > 0 ? ` (aggregated from ${path.aggregatedFrom.join(' ← ')})` : '';
  return `${key(path.binding)} → ${key(path.role)} rule #${path.ruleIndex}${via} ${describeRule(path.rule)}`;
}
