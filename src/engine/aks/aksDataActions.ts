import type { AccessRequest } from '../../model/accessRequest.ts';
import { PUBLISHED_AKS_DATA_ACTIONS } from './publishedDataActions.ts';

/*
 * How the AKS authorization webhook (kubeguard/guard, see docs/aks-azure-rbac-mapping.md) turns a Kubernetes
 * request into Azure data actions and the scope it asks Azure about.
 */

export const AKS_DATA_ACTION_PREFIX = 'Microsoft.ContainerService/managedClusters';

/** Verb → action suffix; "" for verbs AKS has no operation for (the id then has no verb segment). */
export function actionName(verb: string): string {
  switch (verb) {
    case 'get':
    case 'list':
    case 'watch':
      return 'read';
    case 'create':
    case 'update':
    case 'patch':
      return 'write';
    case 'delete':
    case 'deletecollection':
      return 'delete';
    case 'bind':
      return 'bind/action';
    case 'escalate':
      return 'escalate/action';
    case 'use':
      return 'use/action';
    case 'impersonate':
      return 'impersonate/action';
    case '*':
      return '*';
    default:
      return '';
  }
}

/** Go's path.Join: drop empty elements, collapse slashes, resolve no dots (none occur in these ids). */
function join(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');
}

export interface DataActionMapping {
  /** Every one of these must be allowed (a wildcard request is "can do all of it"). */
  readonly actions: readonly string[];
  /** The checkaccess scope: the cluster, or `<cluster>/namespaces/NS` for a namespaced request. */
  readonly scope: string;
  /** Set when AKS answers without asking Azure (`get` on discovery paths). */
  readonly discoveryShortcut: boolean;
  /** What a reader should know about this mapping (subresource or name ignored, unpublished action). */
  readonly notes: readonly string[];
}

const DISCOVERY_PREFIXES = ['/api', '/openapi', '/version', '/healthz'];

function expandWildcard(group: string, resource: string, verb: string): string[] {
  const suffix = actionName(verb);
  return PUBLISHED_AKS_DATA_ACTIONS.filter((id) => {
    const parts = id.slice(AKS_DATA_ACTION_PREFIX.length + 1).split('/');
    // From the end: `…/read`, or `…/impersonate/action`; what is left is [group,] resource.
    const actionParts = parts.at(-1) === 'action' ? 2 : 1;
    const action = parts.slice(-actionParts).join('/');
    const head = parts.slice(0, -actionParts);
    const g = head.length >= 2 ? (head[0] ?? '') : '';
    const r = head.at(-1) ?? '';
    if (group !== '*' && g.toLowerCase() !== group.toLowerCase()) return false;
    if (resource !== '*' && r.toLowerCase() !== resource.toLowerCase()) return false;
    if (verb !== '*' && action.toLowerCase() !== suffix.toLowerCase()) return false;
    return true;
  });
}

export function mapToDataActions(request: AccessRequest, clusterId: string): DataActionMapping {
  if (request.type === 'nonResource') {
    const shortcut = request.verb.toLowerCase() === 'get' && DISCOVERY_PREFIXES.some((p) => request.path.toLowerCase().startsWith(p));
    const id = join(AKS_DATA_ACTION_PREFIX, request.path, actionName(request.verb));
    return {
      actions: [id],
      scope: clusterId,
      discoveryShortcut: shortcut,
      notes: shortcut ? [`AKS allows "get ${request.path}" to every Entra identity without asking Azure (discovery paths)`] : [],
    };
  }
  const scope = request.namespace === '' ? clusterId : `${clusterId}/namespaces/${request.namespace}`;
  const notes: string[] = [];
  if (request.verb === '*' || request.apiGroup === '*' || request.resource === '*') {
    const actions = expandWildcard(request.apiGroup, request.resource, request.verb);
    notes.push(`a wildcard request needs every matching published data action (${actions.length})`);
    return { actions, scope, discoveryShortcut: false, notes };
  }
  const exec = request.resource === 'pods' && request.subresource === 'exec';
  const resourceAndAction = exec ? 'pods/exec/action' : join(request.resource, actionName(request.verb));
  const id = join(AKS_DATA_ACTION_PREFIX, request.apiGroup, resourceAndAction);
  if (request.subresource !== '' && !exec) notes.push(`Azure does not see subresources: ${request.resource}/${request.subresource} is checked as ${request.resource}`);
  if (request.name !== '') notes.push('Azure does not see object names: a grant covers every object of the type in the scope');
  if (actionName(request.verb) === '') notes.push(`AKS has no data action for verb "${request.verb}": only a wildcard data action can grant ${id}`);
  return { actions: [id], scope, discoveryShortcut: false, notes };
}
