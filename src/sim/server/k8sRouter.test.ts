import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_ID, PROD_ID, k8sScenario } from '../../../test/helpers/k8sScenario.ts';
import type { TenantScenario } from '../scenario/TenantScenario.ts';
import type { ActiveFault } from './faults.ts';
import { createK8sRouter, k8sClusterPath, parseManagedClusterId } from './k8sRouter.ts';
import type { SimResponse, SimRouter } from './simHttp.ts';

type Json = Record<string, unknown>;

let scenario: TenantScenario;
beforeAll(async () => {
  scenario = await k8sScenario();
});

const PROD = k8sClusterPath(PROD_ID);
const DEV = k8sClusterPath(DEV_ID);
const AUTH = { authorization: 'Bearer test-token' };

function fault(kind: ActiveFault['kind']): ActiveFault {
  return { service: 'k8s', match: /./, kind, remaining: 0, hits: 1 };
}

async function get(router: SimRouter, path: string, options: { headers?: Json; fault?: ActiveFault } = {}): Promise<SimResponse & { json: Json }> {
  const response = await router.handle({
    method: 'GET',
    url: new URL(path, 'https://127.0.0.1'),
    headers: (options.headers ?? AUTH) as Record<string, string>,
    body: undefined,
    ...(options.fault === undefined ? {} : { fault: options.fault }),
  });
  // What goes over the wire: JSON, with undefined (omitempty) fields gone.
  return { ...response, json: JSON.parse(JSON.stringify(response.body ?? null)) as Json };
}

function items(response: { json: Json }): Json[] {
  return response.json.items as Json[];
}

function names(response: { json: Json }): string[] {
  return items(response).map((i) => (i.metadata as Json).name as string);
}

function meta(response: { json: Json }): Json {
  return response.json.metadata as Json;
}

async function listAll(router: SimRouter, path: string, limit: number): Promise<{ names: string[]; pages: number }> {
  const all: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const page = await get(router, `${path}?limit=${limit}${token === '' ? '' : `&continue=${encodeURIComponent(token)}`}`);
    expect(page.status).toBe(200);
    pages++;
    all.push(...names(page));
    token = (meta(page).continue as string | undefined) ?? '';
  } while (token !== '');
  return { names: all, pages };
}

describe('cluster paths', () => {
  it('are /clusters/{subscription}/{resourceGroup}/{name}, from the ARM id', () => {
    expect(PROD).toBe('/clusters/11111111-1111-1111-1111-111111111111/rg-aks/aks-prod');
    expect(parseManagedClusterId(PROD_ID.toLowerCase())).toEqual({ subscriptionId: '11111111-1111-1111-1111-111111111111', resourceGroup: 'rg-aks', clusterName: 'aks-prod' });
    expect(() => parseManagedClusterId('/subscriptions/x/resourceGroups/y')).toThrow(/not a managedClusters/);
  });
});

describe('lists shaped like kube-apiserver', () => {
  it('serves a ClusterRoleList: list kind, resourceVersion, items without kind/apiVersion, Go field order, server metadata', async () => {
    const router = createK8sRouter(scenario);
    const response = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(response.json.kind).toBe('ClusterRoleList');
    expect(response.json.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(meta(response)).toEqual({ resourceVersion: expect.stringMatching(/^\d+$/) as unknown });
    const clusterAdmin = items(response).find((i) => (i.metadata as Json).name === 'cluster-admin');
    expect(clusterAdmin).toBeDefined();
    expect(clusterAdmin).not.toHaveProperty('kind');
    expect(clusterAdmin).not.toHaveProperty('apiVersion');
    const metadata = clusterAdmin?.metadata as Json;
    expect(Object.keys(metadata)).toEqual(['name', 'uid', 'resourceVersion', 'creationTimestamp', 'labels', 'annotations', 'managedFields']);
    expect(metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    expect(clusterAdmin?.rules).toEqual([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]);
    expect(Object.keys((clusterAdmin?.rules as Json[])[0] ?? {})).toEqual(['verbs', 'apiGroups', 'resources']);
    // etcd order: by key, bytewise.
    const listed = names(response);
    expect(listed).toEqual([...listed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('fills in aggregated ClusterRoles, as the aggregation controller does on a live cluster', async () => {
    const router = createK8sRouter(scenario);
    const response = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles`);
    const byName = (name: string) => items(response).find((i) => (i.metadata as Json).name === name);
    const view = byName('view');
    expect(view?.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
    // Contoso's certificates-viewer is aggregated into view, and through view into edit and admin.
    const certificates = { verbs: ['get', 'list', 'watch'], apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'] };
    for (const name of ['view', 'edit', 'admin']) expect(byName(name)?.rules).toContainEqual(certificates);
    expect(byName('contoso:platform-reader')?.rules).toEqual([{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['nodes'] }]);
  });

  it('serves bindings with subjects and roleRef in Go order, omitting empty subjects', async () => {
    const router = createK8sRouter(scenario);
    const response = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/namespaces/frontend/rolebindings`);
    expect(response.json.kind).toBe('RoleBindingList');
    expect(names(response)).toContain('frontend-configmaps');
    const binding = items(response).find((i) => (i.metadata as Json).name === 'frontend-configmaps');
    expect(Object.keys(binding ?? {})).toEqual(['metadata', 'subjects', 'roleRef']);
    expect(binding?.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-editor' });
    for (const item of items(response)) expect((item.metadata as Json).namespace).toBe('frontend');
    const crbs = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings`);
    const empty = items(crbs).find((i) => (i.metadata as Json).name === 'contoso:platform-readers');
    expect(empty).not.toHaveProperty('subjects');
  });

  it('serves namespaces, service accounts and pods (core group), cluster-wide and per namespace', async () => {
    const router = createK8sRouter(scenario);
    const namespaces = await get(router, `${PROD}/api/v1/namespaces`);
    expect(namespaces.json).toMatchObject({ kind: 'NamespaceList', apiVersion: 'v1' });
    expect(names(namespaces)).toEqual(['default', 'frontend', 'kube-public', 'kube-system', 'monitoring', 'payments']);
    const sas = await get(router, `${PROD}/api/v1/namespaces/payments/serviceaccounts`);
    expect(names(sas)).toEqual(['ci', 'default']);
    const ci = items(sas)[0]?.metadata as Json;
    expect(ci.annotations).toMatchObject({ 'azure.workload.identity/client-id': expect.any(String) as unknown, 'kubectl.kubernetes.io/last-applied-configuration': expect.any(String) as unknown });
    const pods = await get(router, `${PROD}/api/v1/pods`);
    expect(pods.json.kind).toBe('PodList');
    const api = items(pods).find((i) => (i.metadata as Json).name === 'payments-api-7d9f8-abcde');
    expect(api?.spec).toMatchObject({ serviceAccountName: 'ci', containers: [{ image: 'contosoacr.azurecr.io/payments/api:1.4.2' }, { image: 'contosoacr.azurecr.io/tools/envoy:1.29' }] });
    expect(JSON.stringify(api)).not.toMatch(/"secret"/);
  });

  it('serves each cluster its own objects', async () => {
    const router = createK8sRouter(scenario);
    expect(names(await get(router, `${DEV}/apis/rbac.authorization.k8s.io/v1/clusterroles`))).toEqual(['dev-only']);
    // ARM ids are case-insensitive; so is the cluster prefix.
    expect(names(await get(router, `${DEV.replace('rg-dev/aks-dev', 'RG-DEV/AKS-Dev')}/apis/rbac.authorization.k8s.io/v1/clusterroles`))).toEqual(['dev-only']);
  });

  it('gets single objects with kind and apiVersion, 404 Status for missing ones', async () => {
    const router = createK8sRouter(scenario);
    const admin = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-admin`);
    expect(admin.json).toMatchObject({ kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'cluster-admin' } });
    const ns = await get(router, `${PROD}/api/v1/namespaces/payments`);
    expect(ns.json).toMatchObject({ kind: 'Namespace', metadata: { name: 'payments' }, status: { phase: 'Active' } });
    const missing = await get(router, `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'clusterroles.rbac.authorization.k8s.io "nope" not found', code: 404 });
  });
});

describe('limit / continue', () => {
  it('chunks with opaque tokens bound to the list resourceVersion, remainingItemCount, and no continue on the last page', async () => {
    const router = createK8sRouter(scenario);
    const path = `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles`;
    const whole = names(await get(router, path));
    const first = await get(router, `${path}?limit=5`);
    expect(names(first)).toEqual(whole.slice(0, 5));
    const token = meta(first).continue as string;
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: Number(meta(first).resourceVersion), start: `${whole[4] ?? ''}\u0000` });
    expect(meta(first).remainingItemCount).toBe(whole.length - 5);
    const paged = await listAll(router, path, 5);
    expect(paged.names).toEqual(whole);
    expect(paged.pages).toBe(Math.ceil(whole.length / 5));
  });

  it('caps chunks at the server page size, whatever the limit', async () => {
    const router = createK8sRouter(scenario, { pageSize: 3 });
    const path = `${PROD}/api/v1/serviceaccounts`;
    const paged = await listAll(router, path, 500);
    expect(paged.names).toHaveLength(8);
    expect(paged.pages).toBe(3);
    // Without a limit the whole list comes back, as from a real server.
    expect(names(await get(router, path))).toHaveLength(8);
  });

  it('answers 410 Expired with the real Status body when the 410 fault expires the token presented, and keeps it expired', async () => {
    const router = createK8sRouter(scenario);
    const path = `${PROD}/apis/rbac.authorization.k8s.io/v1/clusterroles`;
    const first = await get(router, `${path}?limit=5`);
    const token = meta(first).continue as string;
    const expired = await get(router, `${path}?limit=5&continue=${token}`, { fault: fault('410') });
    expect(expired.status).toBe(410);
    expect(expired.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(expired.json.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
    expect((expired.json.metadata as Json).continue).toEqual(expect.any(String));
    expect((await get(router, `${path}?limit=5&continue=${token}`)).status).toBe(410);
    // A fresh list gets a newer resourceVersion and tokens that work.
    const relist = await get(router, `${path}?limit=5`);
    expect(Number(meta(relist).resourceVersion)).toBeGreaterThan(Number(meta(first).resourceVersion));
    expect(meta(relist).continue).not.toBe(token);
    expect((await get(router, `${path}?limit=5&continue=${meta(relist).continue as string}`)).status).toBe(200);
  });

  it('rejects a continue token it did not issue with 400 BadRequest', async () => {
    const router = createK8sRouter(scenario);
    const bad = await get(router, `${PROD}/api/v1/pods?limit=2&continue=not-a-token`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringMatching(/^continue key is not valid/) as unknown });
  });
});

describe('authentication, authorization and paths', () => {
  it('401 Unauthorized without a bearer token, or with one it does not accept', async () => {
    const router = createK8sRouter(scenario, { acceptToken: (t) => t === 'good' });
    const none = await get(router, `${PROD}/api/v1/pods`, { headers: {} });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await get(router, `${PROD}/api/v1/pods`)).status).toBe(401);
    expect((await get(router, `${PROD}/api/v1/pods`, { headers: { authorization: 'Bearer good' } })).status).toBe(200);
  });

  it('never serves Secrets: every secrets path is 403 Forbidden with a Status shaped like the API', async () => {
    const router = createK8sRouter(scenario);
    const list = await get(router, `${PROD}/api/v1/secrets`);
    expect(list.status).toBe(403);
    expect(list.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'secrets is forbidden: User "aks-access" cannot list resource "secrets" in API group "" at the cluster scope: User does not have access to the resource in Azure. Update role assignment to allow access.',
      reason: 'Forbidden',
      details: { kind: 'secrets' },
      code: 403,
    });
    const one = await get(router, `${DEV}/api/v1/namespaces/payments/secrets/db-password`);
    expect(one.status).toBe(403);
    expect(one.json.message).toBe('secrets "db-password" is forbidden: User "aks-access" cannot get resource "secrets" in API group "" in the namespace "payments"');
    expect((await get(router, `${PROD}/api/v1/namespaces/payments/secrets`)).status).toBe(403);
  });

  it('names the token user in Forbidden messages when the token is a JWT', async () => {
    const router = createK8sRouter(scenario);
    const jwt = ['{"alg":"none"}', '{"oid":"5a6b7c8d-0000-0000-0000-000000000009"}', ''].map((p) => Buffer.from(p).toString('base64url')).join('.');
    const response = await get(router, `${DEV}/api/v1/secrets`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.json.message).toMatch(/User "5a6b7c8d-0000-0000-0000-000000000009" cannot list/);
  });

  it('404 NotFound Status for unknown clusters and paths; 405 for writes', async () => {
    const router = createK8sRouter(scenario);
    for (const path of [`/clusters/${'0'.repeat(8)}/rg/none/api/v1/pods`, `${PROD}/apis/apps/v1/deployments`, `${PROD}/api/v1/configmaps`, `${PROD}/healthz`, '/']) {
      const response = await get(router, path);
      expect(response.status, path).toBe(404);
      expect(response.json).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    }
    const write = await router.handle({ method: 'DELETE', url: new URL(`${PROD}/api/v1/namespaces/payments`, 'https://127.0.0.1'), headers: AUTH, body: undefined });
    expect(write.status).toBe(405);
  });

  it('shapes injected 403s like the API, naming the resource the request asked for', () => {
    const router = createK8sRouter(scenario);
    const request = { method: 'GET', url: new URL(`${DEV}/apis/rbac.authorization.k8s.io/v1/rolebindings?limit=500`, 'https://127.0.0.1'), headers: AUTH };
    expect(router.errorBody(403, 'AuthorizationFailed', 'simulated 403', request)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'rolebindings.rbac.authorization.k8s.io is forbidden: User "aks-access" cannot list resource "rolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope',
      reason: 'Forbidden',
      details: { group: 'rbac.authorization.k8s.io', kind: 'rolebindings' },
      code: 403,
    });
    expect(router.errorBody(429, 'TooManyRequests', 'x')).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    expect(router.errorBody(503, 'ServiceUnavailable', 'x')).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
  });
});

describe('malformed content fault', () => {
  it.each([
    ['apis/rbac.authorization.k8s.io/v1/clusterroles', (item: Json) => !Array.isArray(item.rules)],
    ['apis/rbac.authorization.k8s.io/v1/rolebindings', (item: Json) => !('roleRef' in item)],
    ['api/v1/namespaces', (item: Json) => Array.isArray((item.metadata as Json).labels)],
    ['api/v1/serviceaccounts', (item: Json) => Array.isArray((item.metadata as Json).annotations)],
    ['api/v1/pods', (item: Json) => !Array.isArray((item.spec as Json).containers)],
  ])('breaks the first item of the page of %s, and only for that request', async (path, check) => {
    const router = createK8sRouter(scenario);
    const broken = await get(router, `${PROD}/${path}?limit=3`, { fault: fault('malformed') });
    expect(broken.status).toBe(200);
    expect(check(items(broken)[0] ?? {})).toBe(true);
    const fine = await get(router, `${PROD}/${path}?limit=3`);
    expect(items(fine)[0]).not.toEqual(items(broken)[0]);
    expect(items(fine)[1]).toEqual(items(broken)[1]);
  });
});
