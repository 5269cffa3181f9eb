import { nonResourceRequest, resourceRequest, type AccessRequest } from '../model/accessRequest.ts';
import { lookupResourceType } from './resourceTypes.ts';
import { UsageError } from './UsageError.ts';

export interface ParsedTarget {
  readonly request: AccessRequest;
  /** Known from the built-in type table; undefined for types we cannot know offline. */
  readonly namespaced: boolean | undefined;
  readonly warnings: readonly string[];
}

const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/**
 * `VERB (TYPE[.GROUP][/NAME] | NONRESOURCEURL)` as kubectl reads it. A bare built-in type gets its group
 * from the table (`deployments` → apps); `TYPE.VERSION.GROUP` drops the version; `*` means every resource
 * in every group.
 */
export function parseTarget(verb: string | undefined, target: string | undefined, subresource: string, namespace: string): ParsedTarget {
  if (verb === undefined || verb === '') throw new UsageError('missing VERB (for example: get, list, create, impersonate, escalate)');
  if (target === undefined || target === '') throw new UsageError('missing TYPE[.GROUP][/NAME] or NONRESOURCEURL after the verb');
  if (target.startsWith('/')) {
    if (subresource !== '') throw new UsageError('--subresource cannot be used with a non-resource URL');
    return { request: nonResourceRequest(verb, target), namespaced: false, warnings: [] };
  }
  const warnings: string[] = [];
  const slash = target.indexOf('/');
  const typePart = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? '' : target.slice(slash + 1);
  if (typePart === '') throw new UsageError(`"${target}": missing resource type before "/"`);
  if (name.includes('/')) throw new UsageError(`"${target}": expected TYPE/NAME; give a subresource with --subresource`);

  if (typePart === '*') {
    return { request: resourceRequest({ verb, resource: '*', apiGroup: '*', subresource, name, namespace }), namespaced: undefined, warnings };
  }
  const dot = typePart.indexOf('.');
  let type = dot < 0 ? typePart : typePart.slice(0, dot);
  let group: string | undefined = dot < 0 ? undefined : typePart.slice(dot + 1);
  if (group !== undefined) {
    const [first, ...rest] = group.split('.');
    // deployments.v1.apps: resource.version.group, as kubectl accepts it.
    if (first !== undefined && VERSION.test(first) && rest.length > 0) group = rest.join('.');
  }
  const known = lookupResourceType(type, group);
  let namespaced: boolean | undefined;
  if (known !== undefined) {
    type = known.resource;
    group = known.group;
    namespaced = known.namespaced;
  } else if (group === undefined) {
    group = '';
    warnings.push(`"${type}" is not a built-in resource type; assuming the core API group (""). Write TYPE.GROUP for a custom resource, e.g. certificates.cert-manager.io`);
  }
  return { request: resourceRequest({ verb, resource: type, apiGroup: group, subresource, name, namespace }), namespaced, warnings };
}
