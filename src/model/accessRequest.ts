/**
 * A question put to an authorizer: the attributes of one Kubernetes API request
 * (the same fields a SubjectAccessReview carries).
 */

export interface ResourceRequest {
  readonly type: 'resource';
  readonly verb: string;
  /** "" is the core group. */
  readonly apiGroup: string;
  readonly resource: string;
  /** "" when the request is for the object itself. */
  readonly subresource: string;
  /** "" for requests without a name: list, watch of a collection, create of a new object, deletecollection. */
  readonly name: string;
  /** "" for cluster-scoped requests (including cluster-wide list/watch). */
  readonly namespace: string;
}

export interface NonResourceRequest {
  readonly type: 'nonResource';
  readonly verb: string;
  readonly path: string;
}

export type AccessRequest = ResourceRequest | NonResourceRequest;

/** An authenticated identity as the API server sees it after authentication (name plus all groups). */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export function resourceRequest(fields: Partial<Omit<ResourceRequest, 'type'>> & Pick<ResourceRequest, 'verb' | 'resource'>): ResourceRequest {
  return { type: 'resource', apiGroup: '', subresource: '', name: '', namespace: '', ...fields };
}

export function nonResourceRequest(verb: string, path: string): NonResourceRequest {
  return { type: 'nonResource', verb, path };
}

/** The namespace a request is evaluated in; non-resource requests are always cluster-scoped. */
export function requestNamespace(request: AccessRequest): string {
  return request.type === 'resource' ? request.namespace : '';
}

/** kubectl-style rendering: `get secrets/db-password -n payments`, `get /healthz`. */
export function describeRequest(request: AccessRequest): string {
  if (request.type === 'nonResource') return `${request.verb} ${request.path}`;
  const group = request.apiGroup === '' ? '' : `.${request.apiGroup}`;
  const sub = request.subresource === '' ? '' : ` (subresource ${request.subresource})`;
  const name = request.name === '' ? '' : `/${request.name}`;
  const ns = request.namespace === '' ? ' (cluster-wide)' : ` in namespace ${request.namespace}`;
  return `${request.verb} ${request.resource}${group}${name}${sub}${ns}`;
}
