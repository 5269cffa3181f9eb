import type { AccessRequest, UserInfo } from '../../model/accessRequest.ts';
import { describePath, type GrantPath } from './grantPath.ts';
import type { CompiledRbacIndex } from './compiledRbacIndex.ts';
import { failedAttributes, type RuleAttribute } from './ruleAllows.ts';
import { subjectAppliesTo } from './subjectAppliesTo.ts';

export interface NearMiss {
  readonly path: GrantPath;
  /** The first thing that keeps this grant from allowing the request. */
  readonly failed: RuleAttribute | 'namespace';
  /** Everything that keeps it from allowing the request (one or two attributes). */
  readonly failedAll: readonly (RuleAttribute | 'namespace')[];
  readonly explanation: string;
}

const MAX_NEAR_MISSES = 5;

function quoteList(values: readonly string[]): string {
  return values.map((v) => (v === '' ? '""' : v)).join(', ');
}

function clause(failed: RuleAttribute | 'namespace', path: GrantPath, request: AccessRequest): string {
  const rule = path.rule;
  switch (failed) {
    case 'namespace':
      if (request.type === 'nonResource' || request.namespace === '') {
        return `would allow it, but a RoleBinding never grants cluster-scoped or non-resource requests`;
      }
      return `would allow it, but only in namespace ${path.namespace}`;
    case 'verb':
      return `allows verbs ${quoteList(rule.verbs)}, not ${request.verb}${rule.verbs.some((v) => v.toLowerCase() === request.verb.toLowerCase()) ? ' (verbs are case-sensitive)' : ''}`;
    case 'apiGroup':
      return `is for apiGroups ${quoteList(rule.apiGroups)}, not ${request.type === 'resource' ? `"${request.apiGroup}"` : ''}`;
    case 'resource': {
      const combined = request.type === 'resource' && request.subresource !== '' ? `${request.resource}/${request.subresource}` : request.type === 'resource' ? request.resource : '';
      return `covers resources ${quoteList(rule.resources)}, not ${combined} (a resource does not cover its subresources)`;
    }
    case 'resourceName':
      if (request.type === 'resource' && request.name === '') {
        return `is limited to resourceNames ${quoteList(rule.resourceNames)}, which never covers a request without a name (list, watch, create, deletecollection)`;
      }
      return `is limited to resourceNames ${quoteList(rule.resourceNames)}`;
    case 'nonResourceURL':
      return `covers nonResourceURLs ${quoteList(rule.nonResourceURLs)}, not ${request.type === 'nonResource' ? request.path : ''}`;
  }
}

function explain(failed: readonly (RuleAttribute | 'namespace')[], path: GrantPath, request: AccessRequest): string {
  return `${describePath(path)} ${failed.map((f) => clause(f, path, request)).join('; and it ')}`;
}

/**
 * Rules of bindings that name the user and fail the request on one attribute, or two (namespace counts as
 * one): the grants the asker most likely had in mind. Closest first, then in upstream order.
 */
export function findNearMisses(index: CompiledRbacIndex, user: UserInfo, request: AccessRequest): NearMiss[] {
  const requestNamespace = request.type === 'resource' ? request.namespace : '';
  const out: NearMiss[] = [];
  for (const resolved of index.policy.bindings) {
    const ns = resolved.binding.namespace;
    if (!resolved.binding.subjects.some((s) => subjectAppliesTo(s, user, ns))) continue;
    const consulted = ns === '' || (requestNamespace !== '' && ns === requestNamespace);
    resolved.rules.forEach((effective, ruleIndex) => {
      // A rule about the other kind of request (URLs for a resource request, or the reverse) is no near miss.
      if (request.type === 'resource' ? effective.rule.resources.length === 0 : effective.rule.nonResourceURLs.length === 0) return;
      const failed: (RuleAttribute | 'namespace')[] = failedAttributes(effective.rule, request);
      if (!consulted) failed.push('namespace');
      const first = failed[0];
      if (first === undefined || failed.length > 2) return;
      const path: GrantPath = {
        binding: resolved.bindingKey,
        role: resolved.roleKey,
        ruleIndex,
        rule: effective.rule,
        aggregatedFrom: effective.aggregatedFrom,
        namespace: ns,
      };
      out.push({ path, failed: first, failedAll: failed, explanation: explain(failed, path, request) });
    });
  }
  // Stable sort: fewer failed attributes first, upstream order within the same count.
  return out.sort((a, b) => a.failedAll.length - b.failedAll.length).slice(0, MAX_NEAR_MISSES);
}
