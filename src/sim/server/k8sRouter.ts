import type { Role } from '../../model/k8sRbac.ts';
import { aggregateClusterRoles } from '../../engine/k8s/aggregateClusterRoles.ts';
import type { SimCluster, TenantScenario } from '../scenario/TenantScenario.ts';
import { bindingJson, deterministicUid, namespaceJson, podJson, roleJson, serviceAccountJson, type ServerMeta } from './k8sApiObjects.ts';
import type { SimRequest, SimRequestLine, SimResponse, SimRouter } from './simHttp.ts';

/*
 * The Kubernetes API of every simulated cluster, under /clusters/{subscriptionId}/{resourceGroup}/{clusterName}
 * (the `server` of the kubeconfig that ARM's listClusterUserCredential hands out). It serves what the indexer
 * reads — RBAC objects, namespaces, service accounts, pods — as kube-apiserver does: list kinds whose items
 * carry no kind/apiVersion, a list resourceVersion, `limit`/`continue` chunking with opaque tokens bound to
 * that resourceVersion, `remainingItemCount`, `410 Expired` Status bodies, `Status` errors. It never serves
 * Secrets: any secrets path is 403 Forbidden.
 */

type Json = Record<string, unknown>;

interface ResourceType {
  /** Plural resource name, as in the URL. */
  readonly resource: string;
  /** API group; "" for the core group. */
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const RESOURCES: readonly ResourceType[] = [
  { resource: 'clusterroles', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespaced: false },
  { resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', namespaced: false },
  { resource: 'roles', group: 'rbac.authorization.k8s.io', kind: 'Role', namespaced: true },
  { resource: 'rolebindings', group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', namespaced: true },
  { resource: 'namespaces', group: '', kind: 'Namespace', namespaced: false },
  { resource: 'serviceaccounts', group: '', kind: 'ServiceAccount', namespaced: true },
  { resource: 'pods', group: '', kind: 'Pod', namespaced: true },
  { resource: 'services', group: '', kind: 'Service', namespaced: true },
];

function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? 'v1' : `${type.group}/v1`;
}

/** A served object: `key` orders it the way etcd does (`namespace/name`, or `name` when cluster-scoped). */
interface ServedObject {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly json: Json;
}

interface ClusterApi {
  readonly cluster: SimCluster;
  readonly id: string;
  readonly name: string;
  readonly azureRbac: boolean;
  /**
   * The list resourceVersion: newer than every object. The objects never change under the simulator; it moves
   * on only when the `410` fault expires a token (as etcd compaction does), so a relist gets fresh tokens.
   */
  resourceVersion: number;
  readonly objects: ReadonlyMap<string, readonly ServedObject[]>;
}

export interface ManagedClusterRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly clusterName: string;
}

const MANAGED_CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i;

/** Subscription, resource group and name from a managedClusters ARM id (ARM ids are case-insensitive). */
export function parseManagedClusterId(id: string): ManagedClusterRef {
  const match = MANAGED_CLUSTER_ID.exec(id);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) throw new Error(`not a managedClusters resource id: ${id}`);
  return { subscriptionId: match[1], resourceGroup: match[2], clusterName: match[3] };
}

/** Where the simulated Kubernetes API of a cluster lives, relative to the simulator's base URL. */
export function k8sClusterPath(clusterArmId: string): string {
  const ref = parseManagedClusterId(clusterArmId);
  return `/clusters/${encodeURIComponent(ref.subscriptionId)}/${encodeURIComponent(ref.resourceGroup)}/${encodeURIComponent(ref.clusterName)}`;
}

function armId(cluster: SimCluster): string {
  const id = cluster.arm.id;
  if (typeof id !== 'string') throw new Error('scenario cluster has no ARM id');
  return id;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function azureRbacEnabled(cluster: SimCluster): boolean {
  const properties = cluster.arm.properties;
  const aad = isObject(properties) ? properties.aadProfile : undefined;
  return isObject(aad) && aad.enableAzureRBAC === true;
}

const CREATED = '2024-05-01T09:00:00Z';

/** Effective rules of every ClusterRole: a live API returns aggregated roles with their rules filled in. */
function effectiveRules(clusterRoles: readonly Role[]): (role: Role) => Role['rules'] {
  const { rulesByClusterRole } = aggregateClusterRoles(clusterRoles);
  return (role) => {
    if (role.aggregationRule === undefined) return role.rules;
    return rulesByClusterRole.get(role.name)?.map((e) => e.rule) ?? role.rules;
  };
}

function buildClusterApi(cluster: SimCluster): ClusterApi {
  const id = armId(cluster);
  const k8s = cluster.kubernetes;
  let rv = 100;
  const meta = (kind: string, namespace: string, name: string): ServerMeta => ({
    uid: deterministicUid(`${id}|${kind}|${namespace}|${name}`),
    resourceVersion: String(++rv),
    creationTimestamp: CREATED,
  });
  const clusterRoles = k8s.roles.filter((r) => r.kind === 'ClusterRole');
  const rulesOf = effectiveRules(clusterRoles);
  const nodeName = `aks-nodepool1-${deterministicUid(id).slice(0, 8)}-vmss000000`;
  const served = (namespace: string, name: string, json: Json): ServedObject => ({ key: namespace === '' ? name : `${namespace}/${name}`, namespace, name, json });
  const lists: Record<string, ServedObject[]> = {
    namespaces: k8s.namespaces.map((ns) => served('', ns.name, namespaceJson(ns, meta('Namespace', '', ns.name)))),
    clusterroles: clusterRoles.map((r) => served('', r.name, roleJson(r, rulesOf(r), meta('ClusterRole', '', r.name)))),
    roles: k8s.roles.filter((r) => r.kind === 'Role').map((r) => served(r.namespace, r.name, roleJson(r, r.rules, meta('Role', r.namespace, r.name)))),
    clusterrolebindings: k8s.bindings.filter((b) => b.kind === 'ClusterRoleBinding').map((b) => served('', b.name, bindingJson(b, meta('ClusterRoleBinding', '', b.name)))),
    rolebindings: k8s.bindings.filter((b) => b.kind === 'RoleBinding').map((b) => served(b.namespace, b.name, bindingJson(b, meta('RoleBinding', b.namespace, b.name)))),
    serviceaccounts: k8s.serviceAccounts.map((sa) => served(sa.namespace, sa.name, serviceAccountJson(sa, meta('ServiceAccount', sa.namespace, sa.name)))),
    pods: k8s.pods.map((p) => served(p.namespace, p.name, podJson(p, meta('Pod', p.namespace, p.name), nodeName))),
    // Scenarios hold no Services: the list is served (the collector reads it) and empty.
    services: [],
  };
  const objects = new Map<string, readonly ServedObject[]>();
  for (const [resource, list] of Object.entries(lists)) {
    // etcd returns keys in byte order; the scenario's order must not leak into the API's.
    objects.set(resource, [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }
  return { cluster, id, name: parseManagedClusterId(id).clusterName, azureRbac: azureRbacEnabled(cluster), resourceVersion: rv + 1000, objects };
}

// --- continue tokens: base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"<next key>"} as in apiserver's storage/continue.go

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return 'continue key is not valid: illegal base64 data or JSON';
  }
  if (!isObject(value) || value.v !== 'meta.k8s.io/v1') return 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
  if (typeof value.rv !== 'number' || typeof value.start !== 'string' || value.start === '') return 'continue key is not valid: encoded start key empty';
  return { rv: value.rv, start: value.start };
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

// --- Status bodies

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function status(code: number, message: string, details?: Json, metadata: Json = {}): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata, status: 'Failure', message, reason: REASONS[code] ?? 'Unknown', details, code };
}

/** The authenticated user as the apiserver names it in Forbidden messages: the token's upn/oid, when it is a JWT. */
function userOf(authorization: string | string[] | undefined): string {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const token = header?.replace(/^Bearer\s+/i, '') ?? '';
  const payload = token.split('.')[1];
  if (payload !== undefined) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      if (isObject(claims)) {
        for (const claim of ['upn', 'oid', 'sub']) {
          const value = claims[claim];
          if (typeof value === 'string' && value !== '') return value;
        }
      }
    } catch {
      // not a JWT: fall through
    }
  }
  return token === '' ? 'system:anonymous' : 'aks-access';
}

/** What a request asks for, parsed from its path below the cluster prefix. */
interface ApiRequest {
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly verb: string;
}

function parseApiPath(rest: readonly string[], method: string, watch: boolean): ApiRequest | undefined {
  let group: string;
  let tail: readonly string[];
  if (rest[0] === 'api' && rest[1] === 'v1') {
    group = '';
    tail = rest.slice(2);
  } else if (rest[0] === 'apis' && rest[1] !== undefined && rest[2] !== undefined) {
    group = rest[1];
    tail = rest.slice(3);
  } else {
    return undefined;
  }
  let namespace = '';
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    namespace = tail[1] ?? '';
    tail = tail.slice(2);
  }
  const resource = tail[0];
  if (resource === undefined || tail.length > 2) return undefined;
  const name = tail[1] ?? '';
  const verb = method !== 'GET' ? method.toLowerCase() : watch ? 'watch' : name === '' ? 'list' : 'get';
  return { group, resource, namespace, name, verb };
}

function forbiddenMessage(api: ApiRequest, user: string, azureRbac: boolean): string {
  const where = api.namespace === '' ? 'at the cluster scope' : `in the namespace "${api.namespace}"`;
  const qualified = api.group === '' ? api.resource : `${api.resource}.${api.group}`;
  const object = api.name === '' ? qualified : `${qualified} "${api.name}"`;
  const azure = azureRbac ? ': User does not have access to the resource in Azure. Update role assignment to allow access.' : '';
  return `${object} is forbidden: User "${user}" cannot ${api.verb} resource "${api.resource}" in API group "${api.group}" ${where}${azure}`;
}

function forbidden(api: ApiRequest, user: string, azureRbac: boolean): SimResponse {
  const details: Json = { name: api.name === '' ? undefined : api.name, group: api.group === '' ? undefined : api.group, kind: api.resource };
  return { status: 403, body: status(403, forbiddenMessage(api, user, azureRbac), details) };
}

/** Breaks one served item the way a buggy or hostile API server might, for the `malformed` content fault. */
function malform(resource: string, item: Json): Json {
  const copy = structuredClone(item);
  const metadata = isObject(copy.metadata) ? copy.metadata : {};
  switch (resource) {
    case 'clusterroles':
    case 'roles':
      copy.rules = { verbs: ['get'], resources: ['pods'] };
      break;
    case 'clusterrolebindings':
    case 'rolebindings':
      delete copy.roleRef;
      break;
    case 'namespaces':
      metadata.labels = ['team=payments'];
      break;
    case 'serviceaccounts':
      metadata.annotations = ['azure.workload.identity/client-id'];
      break;
    case 'pods':
      if (isObject(copy.spec)) copy.spec.containers = { name: 'main', image: 'nginx' };
      break;
  }
  return copy;
}

export interface K8sRouterOptions {
  /** Largest chunk the server returns for a `limit`ed list, whatever the limit (servers may return fewer). */
  readonly pageSize?: number;
  /** Which bearer tokens authenticate; default: any non-empty one. */
  readonly acceptToken?: (token: string) => boolean;
}

/** Simulated kube-apiservers for every cluster of the scenario. */
export function createK8sRouter(scenario: TenantScenario, options: K8sRouterOptions = {}): SimRouter {
  const byPath = new Map<string, SimCluster>();
  for (const cluster of scenario.clusters) byPath.set(k8sClusterPath(armId(cluster)).toLowerCase(), cluster);
  const apis = new Map<SimCluster, ClusterApi>();
  let auditId = 0;

  const apiOf = (cluster: SimCluster): ClusterApi => {
    let api = apis.get(cluster);
    if (api === undefined) {
      api = buildClusterApi(cluster);
      apis.set(cluster, api);
    }
    return api;
  };

  /** The cluster a URL path addresses, and the path segments below its prefix. */
  const locate = (pathname: string): { api: ClusterApi; rest: string[] } | undefined => {
    const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    if (segments[0] !== 'clusters' || segments.length < 4) return undefined;
    const prefix = `/clusters/${segments.slice(1, 4).map((s) => encodeURIComponent(s)).join('/')}`.toLowerCase();
    const cluster = byPath.get(prefix);
    return cluster === undefined ? undefined : { api: apiOf(cluster), rest: segments.slice(4) };
  };

  const headers = (): Record<string, string> => ({ 'cache-control': 'no-cache, private', 'audit-id': deterministicUid(`audit|${++auditId}`) });

  const list = (api: ClusterApi, type: ResourceType, request: ApiRequest, req: SimRequest): SimResponse => {
    const params = req.url.searchParams;
    for (const unsupported of ['labelSelector', 'fieldSelector']) {
      if ((params.get(unsupported) ?? '') !== '') return { status: 400, body: status(400, `${unsupported} is not supported by the simulated API server`) };
    }
    const all = (api.objects.get(type.resource) ?? []).filter((o) => request.namespace === '' || o.namespace === request.namespace);
    const token = params.get('continue') ?? '';
    let startIndex = 0;
    if (token !== '') {
      const decoded = decodeContinue(token);
      if (typeof decoded === 'string') return { status: 400, body: status(400, decoded) };
      // The 410 fault compacts past the token's resourceVersion: it and every older token are gone for good.
      const compacted = req.fault?.kind === '410';
      if (compacted && decoded.rv === api.resourceVersion) api.resourceVersion++;
      if (compacted || (decoded.rv !== api.resourceVersion && decoded.rv !== -1)) {
        // handleCompactedErrorForPaging: a fresh token at resourceVersion -1 continues at the latest version (inconsistently).
        const metadata = { continue: encodeContinue(-1, decoded.start) };
        return { status: 410, headers: headers(), body: status(410, CONTINUE_EXPIRED, undefined, metadata) };
      }
      startIndex = all.findIndex((o) => o.key >= decoded.start);
      if (startIndex < 0) startIndex = all.length;
    }
    const limit = Number.parseInt(params.get('limit') ?? '', 10);
    const chunk = Number.isFinite(limit) && limit > 0 ? Math.min(limit, options.pageSize ?? limit) : all.length;
    const page = all.slice(startIndex, startIndex + chunk);
    const end = startIndex + page.length;
    const items = page.map((o) => o.json);
    if (req.fault?.kind === 'malformed' && items[0] !== undefined) items[0] = malform(type.resource, items[0]);
    const last = page.at(-1);
    const more = end < all.length && last !== undefined;
    const metadata: Json = { resourceVersion: String(api.resourceVersion) };
    if (more) {
      metadata.continue = encodeContinue(api.resourceVersion, `${last.key}\u0000`);
      metadata.remainingItemCount = all.length - end;
    }
    return { status: 200, headers: headers(), body: { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items } };
  };

  const get = (api: ClusterApi, type: ResourceType, request: ApiRequest): SimResponse => {
    const found = (api.objects.get(type.resource) ?? []).find((o) => o.name === request.name && o.namespace === request.namespace);
    if (found === undefined) {
      const qualified = type.group === '' ? type.resource : `${type.resource}.${type.group}`;
      return { status: 404, body: status(404, `${qualified} "${request.name}" not found`, { name: request.name, group: type.group === '' ? undefined : type.group, kind: type.resource }) };
    }
    return { status: 200, headers: headers(), body: { kind: type.kind, apiVersion: apiVersionOf(type), ...found.json } };
  };

  return {
    service: 'k8s',
    handle(req: SimRequest): SimResponse {
      const located = locate(req.url.pathname);
      if (located === undefined) return { status: 404, body: status(404, 'the server could not find the requested resource', {}) };
      const { api, rest } = located;
      const authorization = req.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (token === undefined || !(options.acceptToken?.(token) ?? true)) return { status: 401, body: status(401, 'Unauthorized') };
      const request = parseApiPath(rest, req.method, req.url.searchParams.get('watch') === 'true');
      // The indexer never reads Secrets, and the simulator never serves them: whatever the path, 403.
      if (rest.includes('secrets')) {
        const asked = request ?? { group: '', resource: 'secrets', namespace: '', name: '', verb: req.method === 'GET' ? 'list' : req.method.toLowerCase() };
        return forbidden({ ...asked, resource: 'secrets' }, userOf(authorization), api.azureRbac);
      }
      if (request === undefined) return { status: 404, body: status(404, 'the server could not find the requested resource', {}) };
      const type = RESOURCES.find((t) => t.resource === request.resource && t.group === request.group);
      if (type === undefined || (request.namespace !== '' && !type.namespaced)) {
        return { status: 404, body: status(404, 'the server could not find the requested resource', {}) };
      }
      if (request.verb === 'watch') return { status: 400, body: status(400, 'watch is not supported by the simulated API server') };
      if (req.method !== 'GET') return { status: 405, body: status(405, 'the server does not allow this method on the requested resource (the simulated API server is read-only)') };
      return request.name === '' ? list(api, type, request, req) : get(api, type, request);
    },
    errorBody(code: number, _reason: string, message: string, request?: SimRequestLine): unknown {
      if (request === undefined) return status(code, message);
      const located = locate(request.url.pathname);
      const api = located === undefined ? undefined : parseApiPath(located.rest, request.method, request.url.searchParams.get('watch') === 'true');
      if (code === 403 && located !== undefined && api !== undefined) {
        return status(403, forbiddenMessage(api, userOf(request.headers.authorization), located.api.azureRbac), { group: api.group === '' ? undefined : api.group, kind: api.resource });
      }
      if (code === 401) return status(401, 'Unauthorized');
      // The Retry-After header (set by the listener from the fault) is the authority; the body does not repeat it.
      if (code === 429) return status(429, 'Too many requests, please try again later.');
      return status(code, message);
    },
  };
}
