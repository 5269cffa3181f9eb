import { randomUUID } from 'node:crypto';
import type { RoleAssignment } from '../../model/azureRbac.ts';
import type { SimCluster, TenantScenario } from '../scenario/TenantScenario.ts';
import {
  denyAssignmentJson,
  federatedIdentityCredentialJson,
  managementGroupDescendantJson,
  managementGroupInfoJson,
  registryJson,
  roleAssignmentJson,
  roleDefinitionJson,
  roleEligibilityScheduleInstanceJson,
  subnetJson,
  subscriptionDescendantJson,
  subscriptionJson,
  userAssignedIdentityJson,
  withoutField,
} from './armResources.ts';
import { scenarioFederatedCredentials } from '../scenario/scenarioFederatedCredentials.ts';
import { kubeconfigYaml, simulatedClusterServer } from './armKubeconfig.ts';
import { createScopeTree, type ScopeTree } from './armScopes.ts';
import type { SimRequest, SimRequestLine, SimResponse, SimRouter } from './simHttp.ts';
import { pageOf, SkipTokenError } from './simPaging.ts';

/*
 * Azure Resource Manager as the Azure SDKs see it, for one scenario: subscriptions, the management-group tree,
 * the Authorization provider (role definitions, role and deny assignments, PIM eligibility) with ARM's scope
 * semantics, managed clusters and their credentials, subnets, container registries, user-assigned managed
 * identities and their federated identity credentials (those the scenario implies). Every list is paged
 * with absolute `nextLink`s; errors use ARM's `{"error":{"code","message"}}` envelope.
 */

export interface ArmRouterOptions {
  /** Base URL of the simulated Kubernetes API; kubeconfigs point at `${k8sBaseUrl}/clusters/{sub}/{rg}/{name}`. */
  readonly k8sBaseUrl: string;
  /** PEM the Kubernetes API's certificate chains to (the kubeconfig's `certificate-authority-data`). */
  readonly ca: string;
  /** Items per page of every list (small by default, so that clients must follow `nextLink`). */
  readonly pageSize?: number;
}

type Json = Record<string, unknown>;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  /** The Azure action the caller needs, and where: quoted in 403 bodies as ARM does. */
  readonly action: (m: RegExpExecArray) => { action: string; scope: string };
  readonly handle: (m: RegExpExecArray, req: SimRequest) => SimResponse;
}

class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const g = (m: RegExpExecArray, i: number): string => decodeURIComponent(m[i] ?? '');

const AUTHZ_KINDS = ['roleDefinitions', 'roleAssignments', 'denyAssignments', 'roleEligibilityScheduleInstances'] as const;
type AuthzKind = (typeof AUTHZ_KINDS)[number];

/** Which field the `malformed` fault removes, per kind of item: one a client cannot do without. */
const REQUIRED_FIELD: Record<string, readonly string[]> = {
  subscriptions: ['subscriptionId'],
  descendants: ['id'],
  managementGroups: ['id'],
  roleDefinitions: ['properties', 'roleName'],
  roleAssignments: ['properties', 'principalId'],
  denyAssignments: ['properties', 'scope'],
  roleEligibilityScheduleInstances: ['properties', 'principalId'],
  managedClusters: ['id'],
  credentials: ['value'],
  subnets: ['id'],
  registries: ['properties', 'loginServer'],
  userAssignedIdentities: ['properties', 'clientId'],
  federatedIdentityCredentials: ['properties', 'issuer'],
};

interface Filter {
  readonly atScope: boolean;
  readonly atScopeAndBelow: boolean;
  readonly principalId?: string;
  readonly type?: string;
  readonly roleName?: string;
}

/** The `$filter` forms the Authorization provider documents, joined by `and`; anything else is a 400. */
function parseFilter(raw: string | null): Filter {
  if (raw === null || raw.trim() === '') return { atScope: false, atScopeAndBelow: false };
  let atScope = false;
  let atScopeAndBelow = false;
  let principalId: string | undefined;
  let type: string | undefined;
  let roleName: string | undefined;
  for (const term of raw.split(/\s+and\s+/i).map((t) => t.trim())) {
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(term)) atScope = true;
    else if (/^atScopeAndBelow\(\)$/i.test(term)) atScopeAndBelow = true;
    else if ((m = /^principalId\s+eq\s+'([^']*)'$/i.exec(term)) !== null) principalId = m[1];
    else if ((m = /^type\s+eq\s+'([^']*)'$/i.exec(term)) !== null) type = m[1];
    else if ((m = /^roleName\s+eq\s+'([^']*)'$/i.exec(term)) !== null) roleName = m[1];
    else throw new ArmError(400, 'InvalidFilterInQueryString', `The filter '${raw}' is not supported. Supported filters: atScope(), atScopeAndBelow(), principalId eq '{id}', type eq '{type}', roleName eq '{name}'.`);
  }
  return { atScope, atScopeAndBelow, ...(principalId === undefined ? {} : { principalId }), ...(type === undefined ? {} : { type }), ...(roleName === undefined ? {} : { roleName }) };
}

function clusterSegments(cluster: SimCluster): { subscriptionId: string; resourceGroup: string; name: string; id: string } {
  const id = typeof cluster.arm.id === 'string' ? cluster.arm.id : '';
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i.exec(id);
  return { subscriptionId: m?.[1] ?? '', resourceGroup: m?.[2] ?? '', name: m?.[3] ?? '', id };
}

function clusterProperties(cluster: SimCluster): Json {
  const p = cluster.arm.properties;
  return typeof p === 'object' && p !== null ? (p as Json) : {};
}

/** oid / appid of a JWT bearer token, for the "client … with object id …" of 403 bodies. */
function callerOf(request: SimRequestLine | undefined): { client: string; objectId: string } {
  const token = /^Bearer\s+(\S+)$/i.exec(request?.headers.authorization ?? '')?.[1] ?? '';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
    const objectId = typeof payload.oid === 'string' ? payload.oid : '00000000-0000-0000-0000-000000000000';
    const client = typeof payload.appid === 'string' ? payload.appid : objectId;
    return { client, objectId };
  } catch {
    return { client: 'aks-access', objectId: '00000000-0000-0000-0000-000000000000' };
  }
}

export function createArmRouter(scenario: TenantScenario, options: ArmRouterOptions): SimRouter {
  const pageSize = options.pageSize ?? 3;
  const tree: ScopeTree = createScopeTree(scenario);
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  const requireSubscription = (subscriptionId: string) => {
    if (!scenario.subscriptions.some((s) => eq(s.subscriptionId, subscriptionId))) {
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    }
  };

  const list = (req: SimRequest, kind: string, items: readonly Json[]): SimResponse => {
    const page = pageOf(req, items, pageSize);
    const first = page.items[0];
    const served = req.fault?.kind === 'malformed' && first !== undefined ? [withoutField(first, REQUIRED_FIELD[kind] ?? ['id']), ...page.items.slice(1)] : page.items;
    return ok({ value: served, ...(page.nextLink === undefined ? {} : { nextLink: page.nextLink }) });
  };

  const one = (req: SimRequest, kind: string, item: Json): SimResponse => ok(req.fault?.kind === 'malformed' ? withoutField(item, REQUIRED_FIELD[kind] ?? ['id']) : item);

  /** ARM's listing semantics at a scope: at and above it with atScope(), else at, above and below it. */
  const related = (itemScope: string, scope: string, filter: Filter) =>
    tree.isAtOrAbove(itemScope, scope) || (!filter.atScope && tree.isBelow(itemScope, scope));

  const assignments = (state: RoleAssignment['state'], scope: string, filter: Filter) =>
    scenario.azure.roleAssignments.filter(
      (a) => a.state === state && related(a.scope, scope, filter) && (filter.principalId === undefined || eq(a.principalId, filter.principalId)),
    );

  const authorization = (kind: AuthzKind, rawScope: string, name: string | undefined, req: SimRequest): SimResponse => {
    const scope = tree.canonical(rawScope);
    const sub = tree.subscriptionOf(scope);
    if (sub !== undefined) requireSubscription(sub);
    const filter = parseFilter(req.url.searchParams.get('$filter'));
    switch (kind) {
      case 'roleDefinitions': {
        const available = scenario.azure.roleDefinitions.filter(
          (d) =>
            d.assignableScopes.some((s) => tree.isAtOrAbove(s, scope) || (filter.atScopeAndBelow && tree.isBelow(s, scope))) &&
            (filter.type === undefined || eq(d.roleType, filter.type)) &&
            (filter.roleName === undefined || eq(d.roleName, filter.roleName)),
        );
        if (name !== undefined) {
          const found = available.find((d) => eq(d.name, name));
          if (found === undefined) throw new ArmError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition with ID \'' + name + '\' does not exist.');
          return one(req, kind, roleDefinitionJson(found));
        }
        return list(req, kind, available.map(roleDefinitionJson));
      }
      case 'roleAssignments':
        return list(req, kind, assignments('active', scope, filter).map(roleAssignmentJson));
      case 'roleEligibilityScheduleInstances':
        return list(req, kind, assignments('eligible', scope, filter).map(roleEligibilityScheduleInstanceJson));
      case 'denyAssignments':
        return list(
          req,
          kind,
          scenario.azure.denyAssignments
            .filter((d) => related(d.scope, scope, filter) && (filter.principalId === undefined || d.principals.some((p) => eq(p.id, filter.principalId ?? ''))))
            .map(denyAssignmentJson),
        );
    }
  };

  const findCluster = (subscriptionId: string, resourceGroup: string, name: string): SimCluster => {
    requireSubscription(subscriptionId);
    const cluster = scenario.clusters.find((c) => {
      const s = clusterSegments(c);
      return eq(s.subscriptionId, subscriptionId) && eq(s.resourceGroup, resourceGroup) && eq(s.name, name);
    });
    if (cluster === undefined) {
      throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
    return cluster;
  };

  const credential = (cluster: SimCluster, account: 'clusterUser' | 'clusterAdmin', req: SimRequest): SimResponse => {
    const properties = clusterProperties(cluster);
    if (account === 'clusterAdmin' && properties.disableLocalAccounts === true) {
      throw new ArmError(400, 'BadRequest', "Getting static credential isn't allowed because this cluster is set to disable local accounts.");
    }
    const segments = clusterSegments(cluster);
    const aad = properties.aadProfile;
    const aadTenant = typeof aad === 'object' && aad !== null && typeof (aad as Json).tenantID === 'string' ? ((aad as Json).tenantID as string) : scenario.tenantId;
    const yaml = kubeconfigYaml({
      cluster: segments,
      clusterId: segments.id,
      server: simulatedClusterServer(options.k8sBaseUrl, segments),
      ca: options.ca,
      account,
      entra: typeof aad === 'object' && aad !== null,
      tenantId: aadTenant,
    });
    const kubeconfig: Json = { name: account, value: Buffer.from(yaml).toString('base64') };
    return ok({ kubeconfigs: [req.fault?.kind === 'malformed' ? withoutField(kubeconfig, REQUIRED_FIELD.credentials ?? []) : kubeconfig] });
  };

  /** The subscription, or its resource group, of a list by subscription (`m[1]`) or resource group (`m[2]`). */
  const listScope = (m: RegExpExecArray) => (m[2] === undefined ? `/subscriptions/${g(m, 1)}` : `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}`);
  const identities = scenario.managedIdentities ?? [];
  const credentialsOf = new Map<string, ReturnType<typeof scenarioFederatedCredentials>>();
  for (const c of scenarioFederatedCredentials(scenario)) {
    const identityId = c.id.slice(0, c.id.toLowerCase().lastIndexOf('/federatedidentitycredentials/')).toLowerCase();
    credentialsOf.set(identityId, [...(credentialsOf.get(identityId) ?? []), c]);
  }
  const IDENTITY = String.raw`^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/([^/]+)`;
  const identityScope = (m: RegExpExecArray) => `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${g(m, 3)}`;

  const CLUSTER = String.raw`^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.ContainerService/managedClusters/([^/]+)`;
  const clusterScope = (m: RegExpExecArray) => `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}/providers/Microsoft.ContainerService/managedClusters/${g(m, 3)}`;

  const routes: readonly Route[] = [
    {
      method: 'GET',
      pattern: /^\/subscriptions$/i,
      action: () => ({ action: 'Microsoft.Resources/subscriptions/read', scope: '/' }),
      handle: (_m, req) => list(req, 'subscriptions', scenario.subscriptions.map((s) => subscriptionJson(s, scenario.tenantId))),
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)$/i,
      action: (m) => ({ action: 'Microsoft.Resources/subscriptions/read', scope: `/subscriptions/${g(m, 1)}` }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        const s = scenario.subscriptions.find((x) => eq(x.subscriptionId, g(m, 1)));
        return one(req, 'subscriptions', s === undefined ? {} : subscriptionJson(s, scenario.tenantId));
      },
    },
    {
      method: 'GET',
      pattern: /^\/providers\/Microsoft\.Management\/managementGroups$/i,
      action: () => ({ action: 'Microsoft.Management/managementGroups/read', scope: '/' }),
      handle: (_m, req) => list(req, 'managementGroups', scenario.managementGroups.map((mg) => managementGroupInfoJson(mg, scenario.tenantId))),
    },
    {
      method: 'GET',
      pattern: /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i,
      action: (m) => ({ action: 'Microsoft.Management/managementGroups/descendants/read', scope: `/providers/Microsoft.Management/managementGroups/${g(m, 1)}` }),
      handle: (m, req) => {
        const root = g(m, 1);
        if (!scenario.managementGroups.some((mg) => eq(mg.name, root))) {
          throw new ArmError(404, 'NotFound', `Management group '${root}' not found.`);
        }
        // Breadth-first from the group, each item naming its parent, as GetDescendants returns them.
        const items: Json[] = [];
        const queue = [root];
        for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
          for (const child of scenario.managementGroups.filter((mg) => mg.parent !== undefined && eq(mg.parent, parent))) {
            items.push(managementGroupDescendantJson(child));
            queue.push(child.name);
          }
          for (const sub of scenario.subscriptions.filter((s) => eq(s.managementGroup, parent))) items.push(subscriptionDescendantJson(sub));
        }
        return list(req, 'descendants', items);
      },
    },
    {
      method: 'GET',
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/(roleDefinitions|roleAssignments|denyAssignments|roleEligibilityScheduleInstances)(?:\/([^/]+))?$/i,
      action: (m) => ({ action: `Microsoft.Authorization/${AUTHZ_KINDS.find((k) => eq(k, g(m, 2))) ?? g(m, 2)}/read`, scope: g(m, 1) === '' ? '/' : g(m, 1) }),
      handle: (m, req) => {
        const kind = AUTHZ_KINDS.find((k) => eq(k, g(m, 2))) ?? 'roleAssignments';
        const name = m[3] === undefined ? undefined : g(m, 3);
        if (name !== undefined && kind !== 'roleDefinitions') throw new ArmError(404, 'NotFound', `No ${kind} named '${name}' is served by the simulator.`);
        return authorization(kind, g(m, 1), name, req);
      },
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i,
      action: (m) => ({ action: 'Microsoft.ContainerService/managedClusters/read', scope: `/subscriptions/${g(m, 1)}` }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        return list(req, 'managedClusters', scenario.clusters.filter((c) => eq(clusterSegments(c).subscriptionId, g(m, 1))).map((c) => ({ ...c.arm })));
      },
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters$/i,
      action: (m) => ({ action: 'Microsoft.ContainerService/managedClusters/read', scope: `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}` }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        const inGroup = scenario.clusters.filter((c) => eq(clusterSegments(c).subscriptionId, g(m, 1)) && eq(clusterSegments(c).resourceGroup, g(m, 2)));
        return list(req, 'managedClusters', inGroup.map((c) => ({ ...c.arm })));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${CLUSTER}$`, 'i'),
      action: (m) => ({ action: 'Microsoft.ContainerService/managedClusters/read', scope: clusterScope(m) }),
      handle: (m, req) => one(req, 'managedClusters', { ...findCluster(g(m, 1), g(m, 2), g(m, 3)).arm }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`${CLUSTER}/(listClusterUserCredential|listClusterAdminCredential)$`, 'i'),
      action: (m) => ({ action: `Microsoft.ContainerService/managedClusters/${eq(g(m, 4), 'listClusterAdminCredential') ? 'listClusterAdminCredential' : 'listClusterUserCredential'}/action`, scope: clusterScope(m) }),
      handle: (m, req) => credential(findCluster(g(m, 1), g(m, 2), g(m, 3)), eq(g(m, 4), 'listClusterAdminCredential') ? 'clusterAdmin' : 'clusterUser', req),
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i,
      action: (m) => ({ action: 'Microsoft.Network/virtualNetworks/subnets/read', scope: `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}/providers/Microsoft.Network/virtualNetworks/${g(m, 3)}/subnets/${g(m, 4)}` }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        const id = `/subscriptions/${g(m, 1)}/resourceGroups/${g(m, 2)}/providers/Microsoft.Network/virtualNetworks/${g(m, 3)}/subnets/${g(m, 4)}`;
        const subnet = scenario.subnets.find((s) => tree.canonical(s.id) === tree.canonical(id));
        if (subnet === undefined) throw new ArmError(404, 'NotFound', `Resource ${id} not found.`);
        return one(req, 'subnets', subnetJson(subnet));
      },
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.ContainerRegistry\/registries$/i,
      action: (m) => ({ action: 'Microsoft.ContainerRegistry/registries/read', scope: listScope(m) }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        return list(req, 'registries', scenario.registries.filter((r) => tree.isBelow(r.id, listScope(m))).map(registryJson));
      },
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i,
      action: (m) => ({ action: 'Microsoft.ManagedIdentity/userAssignedIdentities/read', scope: listScope(m) }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        return list(req, 'userAssignedIdentities', identities.filter((mi) => tree.isBelow(mi.id, listScope(m))).map(userAssignedIdentityJson));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${IDENTITY}/federatedIdentityCredentials$`, 'i'),
      action: (m) => ({ action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read', scope: identityScope(m) }),
      handle: (m, req) => {
        requireSubscription(g(m, 1));
        const id = identityScope(m);
        if (!identities.some((mi) => eq(mi.id, id))) {
          throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/${g(m, 3)}' under resource group '${g(m, 2)}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
        }
        return list(req, 'federatedIdentityCredentials', (credentialsOf.get(id.toLowerCase()) ?? []).map(federatedIdentityCredentialJson));
      },
    },
  ];

  const match = (method: string, path: string): { route: Route; m: RegExpExecArray } | undefined => {
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (m !== null && route.method === method) return { route, m };
    }
    return undefined;
  };

  const pathOf = (url: URL) => url.pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');

  return {
    service: 'arm',
    handle(req: SimRequest): SimResponse {
      if (!/^Bearer\s+\S+$/i.test(req.headers.authorization ?? '')) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' },
          body: armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
        };
      }
      if (req.url.searchParams.get('api-version') === null) {
        return { status: 400, body: armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.") };
      }
      const found = match(req.method, pathOf(req.url));
      if (found === undefined) {
        return { status: 404, body: armError('NotFound', `The simulated Azure Resource Manager has no ${req.method} ${pathOf(req.url)}.`) };
      }
      try {
        return found.route.handle(found.m, req);
      } catch (error) {
        if (error instanceof ArmError) return { status: error.status, body: armError(error.code, error.message) };
        if (error instanceof SkipTokenError) return { status: 400, body: armError('InvalidSkipToken', error.message) };
        throw error;
      }
    },
    errorBody(status: number, code: string, message: string, request?: SimRequestLine): unknown {
      if (status === 403 && request !== undefined) {
        const found = match(request.method, pathOf(request.url));
        if (found !== undefined) {
          const { action, scope } = found.route.action(found.m);
          const caller = callerOf(request);
          return armError(
            'AuthorizationFailed',
            `The client '${caller.client}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
          );
        }
      }
      if (status === 429) return armError('TooManyRequests', "The request is being throttled. Please try again after the interval in the 'Retry-After' header.");
      return armError(code, message);
    },
  };
}

function armError(code: string, message: string): Json {
  return { error: { code, message } };
}

function ok(body: Json): SimResponse {
  return { status: 200, body, headers: { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID(), 'x-ms-ratelimit-remaining-subscription-reads': '249' } };
}
