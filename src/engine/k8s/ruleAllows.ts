import type { PolicyRule } from '../../model/k8sRbac.ts';
import type { AccessRequest, NonResourceRequest, ResourceRequest } from '../../model/accessRequest.ts';

/*
 * The upstream matchers (pkg/apis/rbac/v1/evaluation_helpers.go), one per attribute, so that a
 * near-miss can say which attribute failed. Every comparison is exact and case-sensitive.
 */

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return rule.resources.some((r) => {
    if (r === '*' || r === combined) return true;
    // `*/scale` covers the scale subresource of every resource; `pods/*` is not a wildcard upstream.
    return subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource);
  });
}

/** A rule naming objects never covers a request without a name (list, watch, create, deletecollection). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some((url) => {
    if (url === '*' || url === path) return true;
    // Upstream trims every trailing `*`: `/api/*` matches `/api/` and `/api/v1`, not `/api`.
    return url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''));
  });
}

export function resourceRuleAllows(rule: PolicyRule, request: ResourceRequest): boolean {
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, request.resource, request.subresource) &&
    resourceNameMatches(rule, request.name)
  );
}

export function nonResourceRuleAllows(rule: PolicyRule, request: NonResourceRequest): boolean {
  return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
}

/** A rule listing both resources and nonResourceURLs is tested by whichever branch the request needs. */
export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  return request.type === 'resource' ? resourceRuleAllows(rule, request) : nonResourceRuleAllows(rule, request);
}

/** Which attributes of the request a rule fails on; empty when the rule allows it. */
export type RuleAttribute = 'verb' | 'apiGroup' | 'resource' | 'resourceName' | 'nonResourceURL';

export function failedAttributes(rule: PolicyRule, request: AccessRequest): RuleAttribute[] {
  const failed: RuleAttribute[] = [];
  if (!verbMatches(rule, request.verb)) failed.push('verb');
  if (request.type === 'nonResource') {
    if (!nonResourceURLMatches(rule, request.path)) failed.push('nonResourceURL');
    return failed;
  }
  if (!apiGroupMatches(rule, request.apiGroup)) failed.push('apiGroup');
  if (!resourceMatches(rule, request.resource, request.subresource)) failed.push('resource');
  if (!resourceNameMatches(rule, request.name)) failed.push('resourceName');
  return failed;
}
