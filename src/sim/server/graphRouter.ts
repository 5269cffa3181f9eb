import { randomUUID } from 'node:crypto';
import type { EntraGroup, EntraServicePrincipal, EntraUser } from '../../model/entra.ts';
import type { TenantScenario } from '../scenario/TenantScenario.ts';
import type { SimRequest, SimResponse, SimRouter } from './simHttp.ts';
import { pageOf, SkipTokenError } from './simPaging.ts';

/*
 * Microsoft Graph v1.0 for one scenario's directory: users, groups, service principals, a group's direct and
 * transitive members (directory objects, so each carries `@odata.type`), with `$select`, `$top` and absolute
 * `@odata.nextLink` paging. Errors use Graph's envelope (`error.code`, `error.message`, `error.innerError`);
 * a 429 is the documented throttling body. Shapes follow ../shared/reference/api-examples/graph/**.
 */

export interface GraphRouterOptions {
  /** Most items on one page whatever `$top` asks (Graph may return fewer); small by default so clients page. */
  readonly pageSize?: number;
}

type Json = Record<string, unknown>;

const CONTEXT_BASE = 'https://graph.microsoft.com/v1.0/$metadata#';
const CREATED = '2024-03-11T09:21:54Z';

class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function innerError(): Json {
  return { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() };
}

function graphError(code: string, message: string): Json {
  return { error: { code, message, innerError: innerError() } };
}

/** The `malformed` content fault: a directory object without its id. */
function withoutId(item: Json): Json {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k !== 'id'));
}

function userJson(user: EntraUser): Json {
  return {
    businessPhones: [],
    displayName: user.displayName ?? null,
    givenName: null,
    jobTitle: null,
    mail: user.userPrincipalName === '' ? null : user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

function groupJson(group: EntraGroup): Json {
  const nickname = (group.displayName ?? group.id).replace(/[^A-Za-z0-9-]/g, '').toLowerCase();
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: CREATED,
    description: null,
    displayName: group.displayName ?? null,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: nickname === '' ? group.id : nickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: CREATED,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    theme: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
  };
}

export function createGraphRouter(scenario: TenantScenario, options: GraphRouterOptions = {}): SimRouter {
  const maxPage = options.pageSize ?? 3;
  const { users, groups, servicePrincipals } = scenario.entra;
  const key = (id: string) => id.toLowerCase();
  const userById = new Map(users.map((u) => [key(u.id), u]));
  const groupById = new Map(groups.map((g) => [key(g.id), g]));
  const spById = new Map(servicePrincipals.map((s) => [key(s.id), s]));
  const identityResource = new Map((scenario.managedIdentities ?? []).map((mi) => [key(mi.principalId), mi.id]));

  const servicePrincipalJson = (sp: EntraServicePrincipal): Json => {
    const resourceId = identityResource.get(key(sp.id));
    return {
      id: sp.id,
      deletedDateTime: null,
      accountEnabled: true,
      alternativeNames: resourceId === undefined ? [] : ['isExplicit=True', resourceId],
      appDisplayName: sp.servicePrincipalType === 'ManagedIdentity' ? null : (sp.displayName ?? null),
      appId: sp.appId ?? null,
      appOwnerOrganizationId: scenario.tenantId,
      displayName: sp.displayName ?? null,
      servicePrincipalNames: sp.appId === undefined ? [] : [sp.appId],
      servicePrincipalType: sp.servicePrincipalType ?? 'Application',
      tags: [],
    };
  };

  /** A directory object as member lists return it: typed by `@odata.type`. */
  const directoryObject = (id: string): Json => {
    const user = userById.get(key(id));
    if (user !== undefined) return { '@odata.type': '#microsoft.graph.user', ...userJson(user) };
    const group = groupById.get(key(id));
    if (group !== undefined) return { '@odata.type': '#microsoft.graph.group', ...groupJson(group) };
    const sp = spById.get(key(id));
    if (sp !== undefined) return { '@odata.type': '#microsoft.graph.servicePrincipal', ...servicePrincipalJson(sp) };
    return { '@odata.type': '#microsoft.graph.directoryObject', id, deletedDateTime: null };
  };

  const groupOrThrow = (id: string): EntraGroup => {
    const group = groupById.get(key(id));
    if (group === undefined) {
      throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    }
    return group;
  };

  /** Every member below the group, nested groups included, each once (Graph's transitiveMembers). */
  const transitiveMemberIds = (group: EntraGroup): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    const queue = [...group.memberIds];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (seen.has(key(id)) || key(id) === key(group.id)) continue;
      seen.add(key(id));
      out.push(id);
      const nested = groupById.get(key(id));
      if (nested !== undefined) queue.push(...nested.memberIds);
    }
    return out;
  };

  const collection = (req: SimRequest, entitySet: string, items: readonly Json[]): SimResponse => {
    const topParam = req.url.searchParams.get('$top');
    const top = topParam === null ? undefined : Number(topParam);
    if (top !== undefined && (!Number.isInteger(top) || top < 1 || top > 999)) {
      throw new GraphError(400, 'Request_BadRequest', `Invalid page size specified: '${topParam ?? ''}'. Must be between 1 and 999 inclusive.`);
    }
    const selectParam = req.url.searchParams.get('$select');
    const select = selectParam === null ? undefined : selectParam.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const project = (item: Json): Json => {
      if (select === undefined) return item;
      const out: Json = {};
      if (typeof item['@odata.type'] === 'string') out['@odata.type'] = item['@odata.type'];
      for (const name of select) {
        const found = Object.keys(item).find((k) => k.toLowerCase() === name.toLowerCase());
        if (found !== undefined) out[found] = item[found];
      }
      return out;
    };
    const page = pageOf(req, items, Math.min(top ?? maxPage, maxPage));
    const projected = page.items.map(project);
    const first = projected[0];
    if (req.fault?.kind === 'malformed' && first !== undefined) projected[0] = withoutId(first);
    return {
      status: 200,
      headers: { 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      body: {
        '@odata.context': `${CONTEXT_BASE}${entitySet}${select === undefined ? '' : `(${select.join(',')})`}`,
        ...(page.nextLink === undefined ? {} : { '@odata.nextLink': page.nextLink }),
        value: projected,
      },
    };
  };

  const single = (req: SimRequest, entitySet: string, item: Json | undefined, id: string): SimResponse => {
    if (item === undefined) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    return { status: 200, body: { '@odata.context': `${CONTEXT_BASE}${entitySet}/$entity`, ...(req.fault?.kind === 'malformed' ? withoutId(item) : item) } };
  };

  const route = (req: SimRequest): SimResponse => {
    const segments = req.url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    const [version, entitySet, id, navigation, ...rest] = segments;
    if (version !== 'v1.0') throw new GraphError(400, 'BadRequest', `Invalid version: ${version ?? ''}`);
    if (req.method !== 'GET') throw new GraphError(405, 'Request_BadRequest', `Specified HTTP method is not allowed for the request target.`);
    if (rest.length > 0) throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${rest[0] ?? ''}'.`);
    switch (entitySet) {
      case 'users':
        if (id === undefined) return collection(req, 'users', users.map(userJson));
        if (navigation === undefined) {
          const user = userById.get(key(id)) ?? users.find((u) => u.userPrincipalName.toLowerCase() === id.toLowerCase());
          return single(req, 'users', user === undefined ? undefined : userJson(user), id);
        }
        break;
      case 'groups':
        if (id === undefined) return collection(req, 'groups', groups.map(groupJson));
        if (navigation === undefined) return single(req, 'groups', groupJson(groupOrThrow(id)), id);
        if (navigation === 'members') return collection(req, 'directoryObjects', groupOrThrow(id).memberIds.map(directoryObject));
        if (navigation === 'transitiveMembers') return collection(req, 'directoryObjects', transitiveMemberIds(groupOrThrow(id)).map(directoryObject));
        break;
      case 'servicePrincipals':
        if (id === undefined) return collection(req, 'servicePrincipals', servicePrincipals.map(servicePrincipalJson));
        if (navigation === undefined) {
          const sp = spById.get(key(id));
          return single(req, 'servicePrincipals', sp === undefined ? undefined : servicePrincipalJson(sp), id);
        }
        break;
      default:
        break;
    }
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${navigation ?? entitySet ?? ''}'.`);
  };

  return {
    service: 'graph',
    handle(req: SimRequest): SimResponse {
      if (!/^Bearer\s+\S+$/i.test(req.headers.authorization ?? '')) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' },
          body: graphError('InvalidAuthenticationToken', 'Access token is empty.'),
        };
      }
      try {
        return route(req);
      } catch (error) {
        if (error instanceof GraphError) return { status: error.status, body: graphError(error.code, error.message) };
        if (error instanceof SkipTokenError) return { status: 400, body: graphError('Request_BadRequest', error.message) };
        throw error;
      }
    },
    errorBody(status: number, code: string, message: string): unknown {
      switch (status) {
        case 429:
          // concepts/throttling.md "Sample response", verbatim apart from the ids and date.
          return {
            error: {
              code: 'TooManyRequests',
              innerError: { code: '429', date: new Date().toISOString().slice(0, 19), message: 'Please retry after', 'request-id': randomUUID(), status: '429' },
              message: 'Please retry again later.',
            },
          };
        case 401:
          return graphError('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
        case 403:
          return graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        case 503:
          return graphError('serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.');
        default:
          return graphError(code, message);
      }
    },
  };
}
