import type { UserInfo } from '../../model/accessRequest.ts';
import type { Subject } from '../../model/k8sRbac.ts';
import type { GrantPath } from './grantPath.ts';
import type { CompiledRbacIndex } from './compiledRbacIndex.ts';
import type { ResolvedBinding } from './rbacPolicy.ts';
import { subjectAppliesTo } from './subjectAppliesTo.ts';
import { MASTERS } from './identity.ts';

export interface EffectiveRules {
  /** Every rule the user holds in the namespace, each with the binding and role it comes from (upstream `RulesFor`). */
  readonly rules: readonly (GrantPath & { readonly subject: Subject })[];
  readonly allowedBySystemMasters: boolean;
  /** Resolution errors of bindings that name the user (upstream reports these as "incomplete"). */
  readonly incomplete: readonly string[];
}

/**
 * What SelfSubjectRulesReview returns: the rules of ClusterRoleBindings naming the user, plus, for a
 * namespace, the rules of RoleBindings in that namespace naming the user. Rules are not merged: each keeps
 * its own verbs, resources and names, because merging them over-grants.
 */
export function rulesFor(index: CompiledRbacIndex, user: UserInfo, namespace: string): EffectiveRules {
  const consulted: ResolvedBinding[] = [...index.policy.clusterRoleBindings];
  if (namespace !== '') consulted.push(...(index.policy.roleBindingsByNamespace.get(namespace) ?? []));
  const rules: (GrantPath & { subject: Subject })[] = [];
  const incomplete: string[] = [];
  for (const resolved of consulted) {
    const ns = resolved.binding.namespace;
    const subject = resolved.binding.subjects.find((s) => subjectAppliesTo(s, user, ns));
    if (subject === undefined) continue;
    if (resolved.error !== undefined) incomplete.push(`${resolved.bindingKey.kind} ${resolved.bindingKey.name}: ${resolved.error}`);
    resolved.rules.forEach((effective, ruleIndex) => {
      rules.push({
        binding: resolved.bindingKey,
        role: resolved.roleKey,
        ruleIndex,
        rule: effective.rule,
        aggregatedFrom: effective.aggregatedFrom,
        namespace: ns,
        subject,
      });
    });
  }
  return { rules, allowedBySystemMasters: user.groups.includes(MASTERS), incomplete };
}
