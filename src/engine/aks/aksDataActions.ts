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

/**
 * Go's path.Join (then path.Clean) for the relative ids guard builds: drop empty elements, collapse slashes,
 * drop `.`, and let `..` remove the element before it. Resource names never contain dots segments, but a
 * non-resource path is the raw request path (`GET /healthz/../metrics`), and guard cleans it this way
 * (fixed: `.`/`..` used to be kept verbatim, giving ids guard never sends).
 */
function join(...parts: string[]): string {
  const out: string[] = [];
  for (const segment of parts.flatMap((p) => p.split('/'))) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
    else out.push(segment);
  }
  return out.length === 0 ? '.' : out.join('/');
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

/*
 * Guard expands wildcard requests over its operations map, built from the API server's discovery resources
 * ∩ the published data actions (util/azure/utils.go createOperationsMap): only real resources, no
 * non-resource paths (`api`, `healthz/...`) and no impersonation pseudo-resources (`users`, `groups`,
 * `userextras`), and with a namespace only namespaced resources (checkaccessreqhelper.go
 * getAuthInfoListForWildcard, `resource: *` only). Fixed: the expansion used to include all of those, so `* * -n NS` needed
 * cluster-scoped and non-resource actions no namespaced request asks for.
 */
const NOT_DISCOVERY_RESOURCES = new Set([
  'api', 'apis', 'healthz', 'livez', 'readyz', 'logs', 'metrics', 'openapi', 'resetmetrics', 'swagger-api', 'swagger-ui', 'ui', 'version',
  'users', 'groups', 'authentication.k8s.io/userextras',
]);

/** Cluster-scoped resources among the published data actions (everything else there is namespaced). */
const CLUSTER_SCOPED_RESOURCES = new Set([
  'admissionregistration.k8s.io/initializerconfigurations', 'admissionregistration.k8s.io/mutatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingwebhookconfigurations', 'apiextensions.k8s.io/customresourcedefinitions',
  'apiregistration.k8s.io/apiservices', 'authentication.k8s.io/tokenreviews', 'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews', 'authorization.k8s.io/subjectaccessreviews', 'certificates.k8s.io/certificatesigningrequests',
  'componentstatuses', 'extensions/podsecuritypolicies', 'flowcontrol.apiserver.k8s.io/flowschemas',
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations', 'metrics.k8s.io/nodes', 'namespaces', 'networking.k8s.io/ingressclasses',
  'node.k8s.io/runtimeclasses', 'nodes', 'persistentvolumes', 'policy/podsecuritypolicies', 'rbac.authorization.k8s.io/clusterrolebindings',
  'rbac.authorization.k8s.io/clusterroles', 'scheduling.k8s.io/priorityclasses', 'storage.k8s.io/csidrivers', 'storage.k8s.io/csinodes',
  'storage.k8s.io/storageclasses', 'storage.k8s.io/volumeattachments',
]);

function expandWildcard(group: string, resource: string, verb: string, namespaced: boolean): string[] {
  const suffix = actionName(verb);
  return PUBLISHED_AKS_DATA_ACTIONS.filter((id) => {
    const parts = id.slice(AKS_DATA_ACTION_PREFIX.length + 1).split('/');
    // From the end: `…/read`, or `…/impersonate/action`; what is left is [group,] resource.
    const actionParts = parts.at(-1) === 'action' ? 2 : 1;
    const action = parts.slice(-actionParts).join('/');
    const head = parts.slice(0, -actionParts);
    const key = head.join('/').toLowerCase();
    if (head.length > 2 || NOT_DISCOVERY_RESOURCES.has(key) || NOT_DISCOVERY_RESOURCES.has(head[0]?.toLowerCase() ?? '')) return false;
    if (namespaced && CLUSTER_SCOPED_RESOURCES.has(key)) return false;
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
    // Guard filters to namespaced resources only in its `resource == *` branch.
    const actions = expandWildcard(request.apiGroup, request.resource, request.verb, request.namespace !== '' && request.resource === '*');
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
