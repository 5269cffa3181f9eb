import type { AccessRequest, UserInfo } from '../../model/accessRequest.ts';
import { describePath, type GrantPath } from './grantPath.ts';
import type { CompiledRbacIndex } from './compiledRbacIndex.ts';
import { failedAttributes, type RuleAttribute } from './ruleAllows.ts';
import { subjectAppliesTo } from './subjectAppliesTo.ts';

export interface NearMiss {
  readonly path: GrantPath;
  /** The one thing that keeps this grant from allowing the request. */
  readonly failed: RuleAttribute | 'namespace';
  readonly explanation: string;
}

const MAX_NEAR_MISSES = 5;

function quoteList(values: readonly string[]): string {
  return values.map((v) => (v === '' ? '""' : v)).join(', ');
}

function explain(failed: RuleAttribute | 'namespace', path: GrantPath, request: AccessRequest): string {
  const rule = path.rule;
  const where = describePath(path);
  switch (failed) {
    case 'namespace':
      if (request.type === 'nonResource' || request.namespace === '') {
        return `${where} would allow it, but a RoleBinding never grants cluster-scoped or non-resource requests`;
      }
      return `${where} would allow it, but only in namespace ${path.namespace}`;
    case 'verb':
      return `${where} allows verbs ${quoteList(rule.verbs)}, not ${request.verb} (verbs are case-sensitive)`;
    case 'apiGroup':
      return `${where} is for apiGroups ${quoteList(rule.apiGroups)}, not ${request.type === 'resource' ? `"${request.apiGroup}"` : ''}`;
    case 'resource': {
      const combined = request.type === 'resource' && request.subresource !== '' ? `${request.resource}/${request.subresource}` : request.type === 'resource' ? request.resource : '';
      return `${where} covers resources ${quoteList(rule.resources)}, not ${combined} (a resource does not cover its subresources)`;
    }
    case 'resourceName':
      if (request.type === 'resource' && request.name === '') {
        return `${where} is limited to resourceNames ${quoteList(rule.resourceNames)}, which never covers a request without a name (list, watch, create, deletecollection)`;
      }
      return `${where} is limited to resourceNames ${quoteList(rule.resourceNames)}`;
    case 'nonResourceURL':
      return `${where} covers nonResourceURLs ${quoteList(rule.nonResourceURLs)}, not ${request.type === 'nonResource' ? request.path : ''}`;
  }
}

/** Rules of bindings that name the user and fail the request on exactly one attribute (namespace counts as one). */
export function findNearMisses(index: CompiledRbacIndex, user: UserInfo, request: AccessRequest): NearMiss[] {
  const requestNamespace = request.type === 'resource' ? request.namespace : '';
  const out: NearMiss[] = [];
  for (const resolved of index.policy.bindings) {
    const ns = resolved.binding.namespace;
    if (!resolved.binding.subjects.some((s) => subjectAppliesTo(s, user, ns))) continue;
    const consulted = ns === '' || (requestNamespace !== '' && ns === requestNamespace);
    resolved.rules.forEach((effective, ruleIndex) => {
      const failed: (RuleAttribute | 'namespace')[] = failedAttributes(effective.rule, request);
      if (!consulted) failed.push('namespace');
      const only = failed[0];
      if (failed.length !== 1 || only === undefined) return;
      const path: GrantPath = {
        binding: resolved.bindingKey,
        role: resolved.roleKey,
        ruleIndex,
        rule: effective.rule,
        aggregatedFrom: effective.aggregatedFrom,
        namespace: ns,
      };
      out.push({ path, failed: only, explanation: explain(only, path, request) });
    });
    if (out.length >= MAX_NEAR_MISSES) break;
  }
  return out.slice(0, MAX_NEAR_MISSES);
}
