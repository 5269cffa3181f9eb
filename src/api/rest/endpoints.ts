import type { AccessQueries, Asker } from '../AccessQueries.ts';
import type { Caller } from '../auth/Caller.ts';
import { ROLE_ADMIN } from '../auth/Caller.ts';
import { hasRole } from '../auth/roles.ts';
import { QueryError } from '../QueryError.ts';
import { describeRequest, type AccessRequest } from '../../model/accessRequest.ts';
import { parseTarget } from '../../present/parseTarget.ts';
import { UsageError } from '../../present/UsageError.ts';
import { canIJson, rulesJson, whoCanJson } from '../../present/answerJson.ts';
import { FORMATS } from './negotiate.ts';
import { ParameterError, type ParameterSpec, type Parameters } from './parameters.ts';
import { accessView, canView, clustersView, statusView, whoCanView, type ViewOptions } from './chatViews.ts';
import type { ChatView } from './render/ChatView.ts';
import type { ReportReader } from '../../reports/ReportStore.ts';
import { reportEndpoint } from './reportEndpoint.ts';
import { changesEndpoint } from './changesEndpoint.ts';
import { findingsEndpoint } from './findingsEndpoint.ts';

/** What an endpoint answers: the full JSON, and the chat message of the same answer. */
export interface EndpointAnswer {
  readonly json: unknown;
  readonly chat: (options: ViewOptions) => ChatView;
}

export interface EndpointContext {
  readonly params: Parameters;
  /** Path parameters, decoded. */
  readonly path: Readonly<Record<string, string>>;
  readonly queries: AccessQueries;
  readonly caller: Caller;
  /** Stored compliance reports (GET /report); absent where the host keeps none. */
  readonly reports?: ReportReader;
}

export type { ReportReader };

/**
 * An endpoint that answers a document in formats of its own (the compliance report: csv, md, html) instead of
 * the chat renderings: its own `format` parameter replaces format/top, and render writes the body.
 */
export interface DocumentFormats {
  readonly parameter: ParameterSpec;
  /** Format → media type, for the OpenAPI description. */
  readonly contentTypes: Readonly<Record<string, string>>;
  readonly render: (json: unknown, format: string) => { readonly body: string; readonly contentType: string; readonly headers: Readonly<Record<string, string>> };
}

export interface Endpoint {
  /** OpenAPI path template under /api/v1, e.g. `/principals/{id}/access`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly pathParameters: readonly { readonly name: string; readonly description: string; readonly example?: string }[];
  readonly parameters: readonly ParameterSpec[];
  readonly run: (context: EndpointContext) => Promise<EndpointAnswer>;
  readonly documentFormats?: DocumentFormats;
}

const VERB = /^(\*|[a-z][a-zA-Z-]*)$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const FORMAT_PARAMETER: ParameterSpec = {
  name: 'format',
  type: 'string',
  enum: FORMATS,
  description: 'Rendering: json (the full answer, default), markdown, slack (Block Kit) or teams (Adaptive Card). Overrides the Accept header.',
  expected: FORMATS.join(', '),
};

export const TOP_PARAMETER: ParameterSpec = {
  name: 'top',
  type: 'integer',
  minimum: 1,
  maximum: 50,
  default: 10,
  description: 'Chat renderings only: how many subjects (or rules) to show per cluster before "+N more". The JSON answer is always complete.',
  expected: 'a whole number from 1 to 50',
};

const CLUSTERS: ParameterSpec = {
  name: 'cluster',
  type: 'list',
  description: 'Cluster names or ARM resource ids (repeat, or separate with commas); default every indexed cluster.',
  expected: 'a cluster name such as aks-prod-weu, or its ARM id (GET /api/v1/clusters lists them)',
  example: 'aks-prod-weu',
};

const NAMESPACE: ParameterSpec = {
  name: 'namespace',
  type: 'string',
  pattern: DNS_LABEL,
  description: 'The namespace of the request; absent: a cluster-scoped request.',
  expected: 'a Kubernetes namespace name (DNS label: lower-case letters, digits and "-", at most 63 characters)',
  example: 'payments',
};

const REQUEST_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'verb', type: 'string', required: true, pattern: VERB, description: 'The Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection, impersonate, bind, escalate, … or *).', expected: 'a Kubernetes verb such as get, list, create or *', example: 'get' },
  { name: 'resource', type: 'string', required: true, description: 'TYPE[.GROUP][/NAME] as kubectl reads it (secrets, deployments.apps, certificates.cert-manager.io/web), or a non-resource URL starting with /.', expected: 'TYPE[.GROUP][/NAME] such as secrets or deployments.apps/web, or a URL such as /healthz', example: 'secrets' },
  NAMESPACE,
  { name: 'subresource', type: 'string', pattern: /^[a-z][a-z0-9-]*$/, description: 'A subresource such as exec, log, portforward or scale.', expected: 'a subresource name such as exec or log', example: 'exec' },
];

const UPN_OR_ID = 'an Entra object id (GUID) or a user principal name such as alice@contoso.com';

/** The request of who-can and can-i, read as the CLI reads VERB TYPE[.GROUP][/NAME] | URL. */
function accessRequest(params: Parameters): { request: AccessRequest; namespaced: boolean | undefined; warnings: string[] } {
  const namespace = params.text('namespace') ?? '';
  const subresource = params.text('subresource') ?? '';
  try {
    const target = parseTarget(params.text('verb'), params.text('resource'), subresource, namespace);
    const warnings = [...target.warnings];
    if (target.request.type === 'nonResource' && namespace !== '') warnings.push('a non-resource URL is not namespaced; namespace ignored');
    return { request: target.request, namespaced: target.namespaced, warnings };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const parameter = error.message.startsWith('missing VERB') ? 'verb' : error.message.startsWith('--subresource') ? 'subresource' : 'resource';
    throw new ParameterError(parameter, error.message.replace(/--subresource/g, 'the subresource parameter'), REQUEST_PARAMETERS.find((p) => p.name === parameter)?.expected);
  }
}

function questionJson(request: AccessRequest, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...request, ...extra, text };
}

/** Display names of the Entra ids an answer mentions (membership chains, admin groups), so a reader needs no second call. */
function namesIn(json: unknown, nameOf: (id: string) => string | undefined): Record<string, string> {
  const ids = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'groupId' && typeof v === 'string') {
          ids.add(v);
        } else if (k === 'chain' && Array.isArray(v)) {
          for (const id of v) if (typeof id === 'string') ids.add(id);
        } else {
          walk(v);
        }
      }
    }
  };
  walk(json);
  const names: Record<string, string> = {};
  for (const id of [...ids].sort()) {
    const name = nameOf(id);
    if (name !== undefined) names[id] = name;
  }
  return names;
}

function withNames<T extends object>(json: T, queries: AccessQueries): T & { names: Record<string, string> } {
  return { ...json, names: namesIn(json, queries.displayName) };
}

async function oneCluster(queries: AccessQueries, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const all = await queries.clusters();
  if (all.length === 1 && all[0] !== undefined) return all[0].name;
  if (all.length === 0) throw new QueryError('NOT_INDEXED', 'no cluster has been indexed yet: run a sync first');
  throw new ParameterError('cluster', `can-i answers for one cluster: give cluster=NAME (indexed: ${all.map((c) => c.name).join(', ')})`, CLUSTERS.expected);
}

const whoCan: Endpoint = {
  path: '/who-can',
  operationId: 'whoCan',
  summary: 'Who can make a Kubernetes request, per cluster, each subject with its paths across Azure RBAC, Entra and Kubernetes RBAC',
  description: 'The same question as `aks-access who-can VERB TYPE[.GROUP][/NAME] [-n NS | -A]`. Every subject carries every path that allows it (`via`), in the words of its plane.',
  pathParameters: [],
  parameters: [
    ...REQUEST_PARAMETERS,
    { name: 'allNamespaces', type: 'boolean', description: 'Ask "in which namespaces?": every subject lists where it holds (`*` = everywhere). Not with namespace.', expected: 'true or false' },
    CLUSTERS,
    { name: 'expandGroups', type: 'boolean', description: 'List the members of every group subject (transitively), each with its membership chain.', expected: 'true or false' },
  ],
  run: async ({ params, queries }) => {
    const allNamespaces = params.flag('allNamespaces');
    if (allNamespaces && params.has('namespace')) throw new ParameterError('allNamespaces', 'allNamespaces cannot be combined with namespace: ask about one namespace or about all of them', 'omit namespace, or allNamespaces');
    const { request, namespaced, warnings } = accessRequest(params);
    const anyNamespace = allNamespaces && request.type === 'resource' && namespaced !== false;
    if (allNamespaces && !anyNamespace) warnings.push(request.type === 'resource' ? `${request.resource} is cluster-scoped; allNamespaces answers for the cluster-scoped request` : 'a non-resource URL is not namespaced; allNamespaces ignored');
    if (request.type === 'resource' && request.namespace !== '' && namespaced === false) {
      warnings.push(`${request.resource} is cluster-scoped: a real request has no namespace; answering as a SubjectAccessReview for namespace ${request.namespace} would`);
    }
    const expandGroups = params.flag('expandGroups');
    const answers = await queries.whoCan(request, { clusters: params.list('cluster'), expandGroups, anyNamespace });
    const text = anyNamespace ? `${describeRequest({ ...request, namespace: '' }).replace(' (cluster-wide)', '')} in any namespace` : describeRequest(request);
    const json = {
      question: questionJson(request, text, { allNamespaces: anyNamespace, expandGroups }),
      clusters: answers.map((a) => withNames({ cluster: a.cluster.name, freshness: a.cluster, ...whoCanJson(a.answer) }, queries)),
      warnings,
    };
    return { json, chat: (options) => whoCanView(text, answers, warnings, options) };
  },
};

const canI: Endpoint = {
  path: '/can-i',
  operationId: 'canI',
  summary: 'Can an identity make a Kubernetes request on one cluster? yes / no / conditional, with the reason and every path',
  description: 'An offline SubjectAccessReview that also knows Azure: `aks-access can-i VERB TYPE --as-principal ID` (principal=) or `--as USER --as-group G` (user=, groups=). `allowed` is true, false or "conditional" (only ABAC-conditional grants).',
  pathParameters: [],
  parameters: [
    ...REQUEST_PARAMETERS,
    { ...CLUSTERS, type: 'string', description: 'The cluster (name or ARM id); may be omitted when only one cluster is indexed.' },
    { name: 'principal', type: 'string', description: `The Entra identity asking: ${UPN_OR_ID}. Not with user/groups.`, expected: UPN_OR_ID, example: 'alice@contoso.com' },
    { name: 'user', type: 'string', description: 'A Kubernetes user name (a certificate user, system:serviceaccount:NS:NAME) instead of an Entra principal: Kubernetes RBAC only.', expected: 'a Kubernetes user name such as system:serviceaccount:payments:ci', example: 'system:serviceaccount:payments:ci' },
    { name: 'groups', type: 'list', description: 'The Kubernetes groups of user (repeat, or separate with commas).', expected: 'Kubernetes group names' },
  ],
  run: async ({ params, queries }) => {
    const principal = params.text('principal');
    const user = params.text('user');
    const groups = params.list('groups');
    if (principal !== undefined && (user !== undefined || groups.length > 0)) {
      throw new ParameterError('principal', 'principal (an Entra identity) cannot be combined with user/groups (a Kubernetes identity)', UPN_OR_ID);
    }
    if (principal === undefined && user === undefined && groups.length === 0) {
      throw new ParameterError('principal', 'who is asking? give principal=OBJECT_ID|UPN, or user=NAME (and groups=G,…)', UPN_OR_ID);
    }
    const asker: Asker = principal !== undefined ? { principal } : { user: user ?? '', groups };
    const { request, warnings } = accessRequest(params);
    const cluster = await oneCluster(queries, params.text('cluster'));
    const result = await queries.can(asker, request, cluster);
    const text = describeRequest(request);
    const json = withNames({ question: questionJson(request, text), ...canIJson(result.answer, result.identity, result.cluster.name, warnings), freshness: result.cluster }, queries);
    const who = principal ?? (user === undefined || user === '' ? `groups ${groups.join(',')}` : user);
    return { json, chat: (options) => canView(who, text, result, warnings, options) };
  },
};

const principalAccess: Endpoint = {
  path: '/principals/{id}/access',
  operationId: 'principalAccess',
  summary: 'What an identity can do, per cluster: Kubernetes rules, Azure role assignments that reach the cluster, admin groups',
  description: 'The same question as `aks-access rules --principal ID [-n NS]`; with type=kubernetes the id is a Kubernetes user (`rules --user U --group G`).',
  pathParameters: [{ name: 'id', description: `${UPN_OR_ID}; with type=kubernetes a Kubernetes user name`, example: 'alice@contoso.com' }],
  parameters: [
    CLUSTERS,
    { ...NAMESPACE, description: 'Rules that hold in this namespace (RoleBindings there plus ClusterRoleBindings); absent: cluster-wide only.' },
    { name: 'type', type: 'string', enum: ['entra', 'kubernetes'], default: 'entra', description: 'entra (default): id is an Entra principal; kubernetes: id is a Kubernetes user name.', expected: 'entra or kubernetes' },
    { name: 'groups', type: 'list', description: 'type=kubernetes only: the user\'s Kubernetes groups.', expected: 'Kubernetes group names' },
  ],
  run: async ({ params, path, queries }) => {
    const id = path.id ?? '';
    const kubernetes = params.text('type') === 'kubernetes';
    if (!kubernetes && params.has('groups')) throw new ParameterError('groups', 'groups apply to a Kubernetes user: add type=kubernetes', 'type=kubernetes with groups, or no groups');
    if (!kubernetes && (await queries.principal(id)) === undefined) {
      throw new QueryError('UNKNOWN_PRINCIPAL', `no Entra principal "${id}" in the index (nothing in the tenant reaches an indexed cluster for it, or no such object); for a Kubernetes user add type=kubernetes`);
    }
    const asker: Asker = kubernetes ? { user: id, groups: params.list('groups') } : { principal: id };
    const namespace = params.text('namespace') ?? '';
    const answers = await queries.accessOf(asker, { clusters: params.list('cluster'), namespace });
    const json = {
      principal: id,
      type: kubernetes ? 'kubernetes' : 'entra',
      namespace,
      clusters: answers.map((a) => withNames({ ...rulesJson(a.answer, a.identity, namespace), freshness: a.cluster }, queries)),
    };
    return { json, chat: (options) => accessView(id, namespace, answers, options) };
  },
};

const clusters: Endpoint = {
  path: '/clusters',
  operationId: 'clusters',
  summary: 'The indexed clusters, each with its current generation and freshness',
  description: 'A cluster is stale when a unit that feeds it (its Kubernetes RBAC, its subscription, the tenant) last failed: its answers come from older data, and staleReasons say why.',
  pathParameters: [],
  parameters: [],
  run: async ({ queries }) => {
    const list = await queries.clusters();
    return { json: { clusters: list }, chat: (options) => clustersView(list, options) };
  },
};

const status: Endpoint = {
  path: '/status',
  operationId: 'status',
  summary: 'Is the index fresh? Clusters with their freshness, unit counts; every unit\'s status for Access.Admin callers',
  description: 'Access.Read callers get the clusters and the counts of units by state; Access.Admin callers also get every unit (source × scope) with its last attempt, last success, failure kind, message and the permission a denied unit needs.',
  pathParameters: [],
  parameters: [],
  run: async ({ queries, caller }) => {
    const [list, units] = await Promise.all([queries.clusters(), queries.indexStatus()]);
    const admin = hasRole(caller, ROLE_ADMIN);
    const counts = { ok: 0, denied: 0, transient: 0, invalid: 0 };
    for (const u of units) counts[u.state]++;
    const lastAttempt = units.map((u) => u.lastAttempt).sort().at(-1);
    const json = {
      clusters: list,
      units: { total: units.length, ...counts, ...(lastAttempt === undefined ? {} : { lastAttempt }) },
      ...(admin ? { unitStatus: units } : { note: `unit details (messages, permissions to grant) need the app role ${ROLE_ADMIN}` }),
    };
    return { json, chat: (options) => statusView(list, units, admin, options) };
  },
};

/** Every endpoint that answers from the index, in the order the OpenAPI document lists them. */
export const ENDPOINTS: readonly Endpoint[] = [whoCan, canI, principalAccess, clusters, status, findingsEndpoint, reportEndpoint, changesEndpoint];

/** Matches a request path (under /api/v1) against the endpoints' templates. */
export function matchEndpoint(path: string): { endpoint: Endpoint; params: Record<string, string> } | undefined {
  for (const endpoint of ENDPOINTS) {
    const names: string[] = [];
    const pattern = new RegExp(`^${endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}/?$`);
    const match = pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const raw = match[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        throw new ParameterError(name, `path segment "${raw}" is not valid percent-encoding`);
      }
    }
    return { endpoint, params };
  }
  return undefined;
}

/** Things the design names that this version does not answer yet: a 404 that says so, rather than a bare one. */
export const NOT_YET: readonly (readonly [RegExp, string])[] = [
  [/^\/reports(\/.*)?$/, 'reports by path are not served yet: GET /api/v1/report?id=ID&format=json|csv|md|html serves any stored report (default the latest).'],
];
