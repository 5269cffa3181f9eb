import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../sim/scenario/scenarioFile.ts';
import { normalizeManagedCluster } from '../../normalize/normalizeManagedCluster.ts';
import { sliceForCluster } from '../../engine/access/sliceForCluster.ts';
import type { AccessModelInput } from '../../engine/access/accessModel.ts';
import { MemoryIndexStore } from '../../../test/helpers/memoryIndexStore.ts';
import { AccessQueries } from '../AccessQueries.ts';
import { QueryError } from '../QueryError.ts';
import { createAuthenticate } from '../auth/createAuthenticate.ts';
import { ROLE_READ, type Authenticate } from '../auth/Caller.ts';
import { createRestHandler, type RestHandler } from './createRestHandler.ts';
import { ENDPOINTS } from './endpoints.ts';

let store: MemoryIndexStore;
let handler: RestHandler;
const lines: string[] = [];
const LOCAL = { remoteAddress: '127.0.0.1' };
const BASE = 'http://localhost:7071/api/v1';

beforeAll(async () => {
  const s = await loadScenario(fileURLToPath(new URL('../../../scenarios/contoso.yaml', import.meta.url)));
  const clusters = s.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
  const input: AccessModelInput = { clusters, kubernetes: new Map(s.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])), azure: s.azure, entra: s.entra };
  store = new MemoryIndexStore();
  for (const c of clusters) await store.writeGeneration({ clusterId: c.id, generation: 'gen-1', compiledAt: '2026-11-29T10:00:00Z', input: sliceForCluster(input, c.id) });
  handler = createRestHandler({ queries: new AccessQueries(store, { now: () => clock.now }), authenticate: createAuthenticate({ localMode: true }), log: (l) => lines.push(l) });
});

/** The handler's cache clock (AccessQueries reuses a cluster's pointer and statuses for a few seconds): tests that change the store move it on. */
const clock = { now: Date.now() };

async function get(path: string, headers: Record<string, string> = {}, origin: { remoteAddress?: string } = LOCAL, h: RestHandler = handler): Promise<Response> {
  return h(new Request(`${BASE}${path}`, { headers }), origin);
}

interface Json {
  [key: string]: unknown;
}

async function json(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; response: Response }> {
  const response = await get(path, headers);
  return { status: response.status, body: (await response.json()) as Json, response };
}

const SECRETS = '/who-can?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu';

describe('REST: JSON answers', () => {
  it('who-can: subjects from both planes, each with its paths in the CLI\'s field names, freshness and display names', async () => {
    const { status, body, response } = await json(SECRETS);
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [prod] = body.clusters as { cluster: string; freshness: { stale: boolean; generation: string }; subjects: { name: string; via: { plane: string; kind: string; binding?: unknown; rule?: { verbs: string[] }; viaGroup?: { chain: string[] } }[] }[]; names: Record<string, string> }[];
    expect(prod?.cluster).toBe('aks-prod-weu');
    expect(prod?.freshness).toMatchObject({ stale: false, generation: 'gen-1' });
    const bob = prod?.subjects.find((s) => s.name === 'bob@contoso.com');
    expect(bob?.via[0]).toMatchObject({ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read' });
    const k8s = prod?.subjects.find((s) => s.via.some((p) => p.plane === 'kubernetes' && p.kind === 'rbac' && JSON.stringify(p.binding).includes('payments-devs-edit')));
    expect(k8s?.via[0]?.rule?.verbs).toContain('get');
    expect(body.question).toMatchObject({ verb: 'get', resource: 'secrets', namespace: 'payments', text: 'get secrets in namespace payments' });
  });

  it('expandGroups lists group members with their membership chain, and names the groups of the chain', async () => {
    const { body } = await json(`${SECRETS}&expandGroups=true`);
    const [prod] = body.clusters as { subjects: { name: string; via: { viaGroup?: { chain: string[] } }[] }[]; names: Record<string, string> }[];
    const alice = prod?.subjects.find((s) => s.name === 'alice@contoso.com');
    const chain = alice?.via.find((p) => p.viaGroup !== undefined)?.viaGroup?.chain ?? [];
    expect(chain.length).toBeGreaterThan(0);
    expect(chain.map((id) => prod?.names[id])).toContain('payments-devs');
  });

  it('who-can across every cluster and in any namespace', async () => {
    const { body } = await json('/who-can?verb=create&resource=pods&subresource=exec&allNamespaces=true');
    const clusters = body.clusters as { cluster: string; subjects: { namespaces?: string[] }[] }[];
    expect(clusters.map((c) => c.cluster).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    expect(clusters.every((c) => c.subjects.every((s) => Array.isArray(s.namespaces)))).toBe(true);
  });

  it('can-i: yes / no / conditional with the reason, by UPN or as a Kubernetes user', async () => {
    const grace = await json('/can-i?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu&principal=grace@contoso.com');
    expect(grace.body).toMatchObject({ allowed: 'conditional', cluster: 'aks-prod-weu', principal: { kubernetesName: 'grace@contoso.com', principalType: 'User' } });
    const sa = await json('/can-i?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu&user=system:serviceaccount:kube-system:namespace-controller');
    expect(sa.body.allowed).toBe(true);
    const ivan = await json('/can-i?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu&principal=ivan@contoso.com');
    expect(ivan.body.allowed).toBe(false);
    expect(ivan.body.reason).toMatch(/notDataActions/);
  });

  it('principals/{id}/access: Kubernetes rules, Azure roles and admin groups per cluster', async () => {
    const { body } = await json('/principals/alice%40contoso.com/access?cluster=aks-prod-weu&namespace=payments');
    const [prod] = body.clusters as { cluster: string; kubernetes: { via: { binding: { name: string } } }[]; azure: { roleName: string }[] }[];
    expect(prod?.cluster).toBe('aks-prod-weu');
    expect(prod?.kubernetes.some((r) => r.via.binding.name === 'payments-devs-edit')).toBe(true);
    expect(prod?.azure.map((a) => a.roleName)).toContain('Azure Kubernetes Service RBAC Writer');
  });

  it('clusters and status; unit details only for Access.Admin', async () => {
    const clusters = await json('/clusters');
    expect((clusters.body.clusters as { name: string }[]).map((c) => c.name)).toContain('aks-prod-weu');
    const admin = await json('/status');
    expect(admin.body).toHaveProperty('unitStatus');
    const reader: Authenticate = () => Promise.resolve({ id: 'reader', roles: [ROLE_READ], via: 'bearer' });
    const readerHandler = createRestHandler({ queries: new AccessQueries(store), authenticate: reader });
    const asReader = (await (await get('/status', {}, {}, readerHandler)).json()) as Json;
    expect(asReader).not.toHaveProperty('unitStatus');
    expect(asReader.note).toMatch(/Access\.Admin/);
  });
});

describe('REST: chat renderings', () => {
  it('markdown (Accept: text/markdown): top N subjects with their first path, counts, "+N more", the link to the full answer', async () => {
    const response = await get(`${SECRETS}&top=3`, { accept: 'text/markdown' });
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await response.text();
    expect(text).toMatch(/^### Who can get secrets in namespace payments on aks-prod-weu\?/);
    expect(text).toMatch(/- Kubernetes RBAC: \d+ subjects/);
    expect(text).toMatch(/- Azure: \d+ subjects/);
    expect(text.match(/^- \*\*/gm)).toHaveLength(3);
    expect(text).toMatch(/_\+\d+ more_/);
    expect(text).toContain('[Full answer (JSON)](http://localhost:7071/api/v1/who-can?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu)');
    expect(text).toContain('\\[azure aks-prod-weu\\]');
    expect(text).toContain('\\[k8s aks-prod-weu\\]');
  });

  it('Slack Block Kit (format=slack or its media type): header, counts as fields, one section of subjects, the link', async () => {
    for (const [query, headers] of [['&format=slack', {}], ['', { accept: 'application/vnd.slack.blocks+json' }]] as const) {
      const response = await get(`${SECRETS}&top=2${query}`, headers);
      expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.slack\.blocks\+json/);
      const message = (await response.json()) as { text: string; blocks: { type: string; text?: { text: string }; fields?: unknown[] }[] };
      expect(message.text).toMatch(/Who can get secrets/);
      expect(message.blocks[0]?.type).toBe('header');
      expect(message.blocks.some((b) => b.fields !== undefined && b.fields.length >= 2)).toBe(true);
      const list = message.blocks.find((b) => b.text?.text.startsWith('•'));
      expect(list?.text?.text.match(/^• /gm)).toHaveLength(2);
      expect(list?.text?.text).toMatch(/_\+\d+ more_/);
      expect(message.blocks.at(-1)?.text?.text).toMatch(/^<http:\/\/localhost:7071\/api\/v1\/who-can\?[^|]+\|Full answer \(JSON\)>$/);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
    }
  });

  it('Teams Adaptive Card (format=teams): title, FactSet of counts, the subjects, an OpenUrl action to the full answer', async () => {
    const response = await get(`${SECRETS}&format=teams&top=2`);
    expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.microsoft\.card\.adaptive\+json/);
    const card = (await response.json()) as { type: string; version: string; body: { type: string; text?: string; facts?: { title: string }[] }[]; actions: { type: string; url: string }[] };
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(card.body[0]?.text).toMatch(/Who can get secrets/);
    expect(card.body.find((b) => b.type === 'FactSet')?.facts?.map((f) => f.title)).toContain('Kubernetes RBAC');
    expect(card.body.some((b) => /\+\d+ more/.test(b.text ?? ''))).toBe(true);
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: expect.stringContaining('/api/v1/who-can?verb=get') as unknown });
  });

  it('can-i and status render as chat messages too', async () => {
    const can = await (await get('/can-i?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu&principal=grace@contoso.com&format=markdown')).text();
    expect(can).toMatch(/^### Can grace@contoso.com get secrets in namespace payments on aks-prod-weu\?\n\nConditional: /);
    const status = await (await get('/status', { accept: 'text/markdown' })).text();
    expect(status).toMatch(/### Index status/);
  });

  it('a stale cluster says so in the answer and the message', async () => {
    const [prod] = (await new AccessQueries(store).clusters()).filter((c) => c.name === 'aks-prod-weu');
    const scope = `cluster:${prod?.clusterId.toLowerCase() ?? ''}`;
    await store.recordUnitStatus({ unit: `k8s-rbac|${scope}`, source: 'k8s-rbac', scope, runId: 'run-2', state: 'denied', lastAttempt: '2026-11-29T11:00:00Z', lastSuccess: '2026-11-29T10:00:00Z', message: 'list rolebindings: 403', objects: 0, durationMs: 5 });
    clock.now += 60_000;
    try {
      const text = await (await get(`${SECRETS}&format=markdown`)).text();
      expect(text).toContain('aks-prod-weu: 18 subjects (stale)');
      expect(text).toMatch(/⚠ aks-prod-weu answers from older data: .*403/);
    } finally {
      await store.recordUnitStatus({ unit: `k8s-rbac|${scope}`, source: 'k8s-rbac', scope, runId: 'run-3', state: 'ok', lastAttempt: '2026-11-29T12:00:00Z', lastSuccess: '2026-11-29T12:00:00Z', objects: 1, durationMs: 5 });
      clock.now += 60_000;
    }
  });
});

describe('REST: errors say which parameter and what it expects', () => {
  const cases: [string, number, string, RegExp][] = [
    ['/who-can?resource=secrets', 400, 'verb', /missing required parameter "verb"/],
    ['/who-can?verb=get', 400, 'resource', /missing required parameter "resource"/],
    ['/who-can?verb=get&resource=secrets&namepsace=payments', 400, 'namepsace', /unknown parameter "namepsace"/],
    ['/who-can?verb=get&resource=secrets&Namespace=payments', 400, 'Namespace', /did you mean "namespace"/],
    ['/who-can?verb=get&resource=secrets&namespace=Payments_1', 400, 'namespace', /DNS label/],
    ['/who-can?verb=get&resource=secrets&namespace=a&namespace=b', 400, 'namespace', /more than once/],
    ['/who-can?verb=get&resource=secrets&allNamespaces=yes', 400, 'allNamespaces', /not a boolean/],
    ['/who-can?verb=get&resource=secrets&allNamespaces&namespace=payments', 400, 'allNamespaces', /cannot be combined/],
    ['/who-can?verb=get&resource=secrets/a/b', 400, 'resource', /expected TYPE\/NAME/],
    ['/who-can?verb=get&resource=/healthz&subresource=log', 400, 'subresource', /non-resource URL/],
    ['/who-can?verb=GET%20it&resource=secrets', 400, 'verb', /Kubernetes verb/],
    ['/who-can?verb=get&resource=secrets&top=500', 400, 'top', /from 1 to 50/],
    ['/who-can?verb=get&resource=secrets&format=html', 400, 'format', /json, markdown, slack, teams/],
    ['/who-can?verb=get&resource=secrets&cluster=aks-nope', 404, 'cluster', /unknown cluster "aks-nope"; indexed clusters: .*aks-prod-weu/],
    ['/can-i?verb=get&resource=secrets', 400, 'principal', /who is asking/],
    ['/can-i?verb=get&resource=secrets&principal=alice@contoso.com', 400, 'cluster', /one cluster: give cluster=NAME/],
    ['/can-i?verb=get&resource=secrets&principal=alice@contoso.com&user=alice', 400, 'principal', /cannot be combined/],
    ['/principals/alice@contoso.com/access?groups=a', 400, 'groups', /type=kubernetes/],
    ['/principals/alice@contoso.com/access?type=robot', 400, 'type', /entra, kubernetes/],
  ];
  it.each(cases)('%s → %i naming %s', async (path, status, parameter, message) => {
    const { status: got, body, response } = await json(path);
    expect(got).toBe(status);
    const error = body.error as { code: string; message: string; parameter?: string; expected?: string };
    expect(error.parameter).toBe(parameter);
    expect(error.message).toMatch(message);
    if (status === 400) expect(error.expected).toBeTruthy();
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('an unknown principal is a 404 that says what to try', async () => {
    const { status, body } = await json('/principals/nobody@contoso.com/access');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'UNKNOWN_PRINCIPAL', message: expect.stringMatching(/type=kubernetes/) as unknown });
  });

  it('reports by path and changes: a 404 that says they are not served yet; unknown paths point at the OpenAPI document', async () => {
    for (const path of ['/reports/weekly.csv']) {
      const { status, body } = await json(path);
      expect(status).toBe(404);
      expect((body.error as { message: string }).message).toMatch(/not served yet/);
    }
    const { status, body } = await json('/who-could');
    expect(status).toBe(404);
    expect((body.error as { message: string }).message).toMatch(/openapi\.json/);
  });

  it('405 for anything but GET; 406 for an Accept with no rendering; errors render in the chat format asked for', async () => {
    const post = await handler(new Request(`${BASE}/clusters`, { method: 'POST' }), LOCAL);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/clusters', { accept: 'text/html' })).status).toBe(406);
    expect((await get('/clusters', { accept: 'text/html, */*;q=0.8' })).status).toBe(200);
    const md = await get('/who-can?verb=get&resource=secrets/a/b&format=markdown');
    expect(md.status).toBe(400);
    expect(await md.text()).toMatch(/^### 400 BAD\\_REQUEST[\s\S]*- parameter: resource/);
  });
});

describe('REST: auth and request ids', () => {
  const bearerOnly = createAuthenticate({ tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', keys: () => Promise.reject(new Error('no keys in this test')) });

  it('401 without a token (WWW-Authenticate: Bearer), even from loopback when local mode is off; 403 without an app role', async () => {
    const h = createRestHandler({ queries: new AccessQueries(store), authenticate: bearerOnly });
    const response = await get(SECRETS, {}, LOCAL, h);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await response.json()) as Json).error).toMatchObject({ code: 'UNAUTHENTICATED' });
    const noRole: Authenticate = () => Promise.reject(new QueryError('FORBIDDEN', 'caller x has none of this API\'s app roles'));
    expect((await get(SECRETS, {}, LOCAL, createRestHandler({ queries: new AccessQueries(store), authenticate: noRole }))).status).toBe(403);
  });

  it('local mode answers loopback only: the same request from another address is a 401', async () => {
    expect((await get('/clusters', {}, { remoteAddress: '10.0.0.7' })).status).toBe(401);
    expect((await get('/clusters', {}, { remoteAddress: '::1' })).status).toBe(200);
  });

  it('an identity provider that cannot be reached is a 503 (could not decide), not a 401', async () => {
    const broken: Authenticate = () => Promise.reject(new Error('JWKS fetch failed'));
    const response = await get('/clusters', {}, LOCAL, createRestHandler({ queries: new AccessQueries(store), authenticate: broken }));
    expect(response.status).toBe(503);
  });

  it('echoes a well-formed X-Request-Id and logs it with the request; replaces a malformed one', async () => {
    const response = await get('/clusters', { 'x-request-id': 'bot-42.7' });
    expect(response.headers.get('x-request-id')).toBe('bot-42.7');
    expect(lines.some((l) => l.startsWith('bot-42.7 GET /api/v1/clusters → 200'))).toBe(true);
    const replaced = await get('/clusters', { 'x-request-id': 'bad id with spaces' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('REST: the OpenAPI document', () => {
  it('is OpenAPI 3.1 JSON, served without a token, listing every served path with its parameters', async () => {
    const h = createRestHandler({ queries: new AccessQueries(store), authenticate: () => Promise.reject(new QueryError('UNAUTHENTICATED', 'no')) });
    const response = await get('/openapi.json', {}, {}, h);
    expect(response.status).toBe(200);
    const doc = JSON.parse(await response.text()) as { openapi: string; paths: Record<string, { get: { parameters?: { name: string; in: string; schema: unknown }[]; responses: Record<string, unknown> } }>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([...ENDPOINTS.map((e) => e.path), '/openapi.json'].sort());
    for (const endpoint of ENDPOINTS) {
      const op = doc.paths[endpoint.path]?.get;
      expect(op?.parameters?.map((p) => p.name).sort()).toEqual([...endpoint.pathParameters.map((p) => p.name), ...endpoint.parameters.map((p) => p.name), ...(endpoint.documentFormats === undefined ? ['format', 'top'] : ['format'])].sort());
      expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    }
    // Every $ref resolves.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(doc.components.schemas).toHaveProperty(name);
    // Each path answers (not a 404) when asked through the handler.
    for (const path of ['/who-can?verb=get&resource=pods', '/can-i?verb=get&resource=pods&cluster=aks-prod-weu&principal=alice@contoso.com', '/principals/alice@contoso.com/access', '/clusters', '/status']) {
      expect((await get(path)).status).toBe(200);
    }
  });
});
