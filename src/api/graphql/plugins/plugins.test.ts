import { beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, parse } from 'graphql';
import { createLocalJWKSet } from 'jose';
import { contosoMemoryStore } from '../../../../test/helpers/contosoGenerations.ts';
import { ask, codes, LOOPBACK, REMOTE } from '../../../../test/helpers/graphqlClient.ts';
import { createTestIssuer, TEST_CALLER_OID, TEST_CLIENT_ID, TEST_TENANT, type TestIssuer } from '../../../../test/helpers/entraTokens.ts';
import type { MemoryIndexStore } from '../../../../test/helpers/memoryIndexStore.ts';
import { AccessQueries } from '../../AccessQueries.ts';
import { createAuthenticate } from '../../auth/createAuthenticate.ts';
import type { ApiLogLine } from '../apiLog.ts';
import { createYoga, type GraphqlServer } from '../createYoga.ts';
import { loadSchemaSource } from '../loadSchemaSource.ts';
import { costOf, DEFAULT_QUERY_LIMITS } from './useQueryLimits.ts';
import { buildASTSchema } from 'graphql';

/*
 * The plugins, through the whole server: auth before anything else, the request id on every response, error
 * and log line, the query limits, error masking, GraphiQL only when asked for.
 */

let store: MemoryIndexStore;
let issuer: TestIssuer;
let yoga: GraphqlServer;
const lines: ApiLogLine[] = [];

beforeAll(async () => {
  store = await contosoMemoryStore();
  issuer = await createTestIssuer();
  const authenticate = createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, keys: createLocalJWKSet(issuer.jwks), localMode: true });
  yoga = createYoga({ queries: new AccessQueries(store), authenticate, log: (l) => lines.push(l) });
});

const CLUSTERS = '{ clusters { name } }';
const bearer = async (claims: Record<string, unknown> = {}) => ({ authorization: `Bearer ${await issuer.token(claims)}` });

describe('useAuth: every operation needs a caller, judged before the query is read', () => {
  it('a remote request with a token that has Access.Read is answered', async () => {
    const reply = await ask<{ clusters: unknown[] }>(yoga, CLUSTERS, { headers: await bearer(), origin: REMOTE });
    expect(reply.status).toBe(200);
    expect(reply.data?.clusters).toHaveLength(4);
    expect(lines.find((l) => l.requestId === reply.headers.get('x-request-id'))).toMatchObject({ caller: TEST_CALLER_OID, via: 'bearer', status: 200 });
  });

  it.each<[string, () => Promise<Record<string, string>>, number, string, RegExp]>([
    ['no token', () => Promise.resolve({}), 401, 'UNAUTHENTICATED', /no identity/],
    ['an expired token', () => bearer({ exp: Math.floor(Date.now() / 1000) - 600 }), 401, 'UNAUTHENTICATED', /expired/],
    ['a token for another audience', () => bearer({ aud: 'https://management.azure.com' }), 401, 'UNAUTHENTICATED', /not for this API/],
    ['a token from another issuer', () => bearer({ iss: 'https://login.microsoftonline.com/common/v2.0' }), 401, 'UNAUTHENTICATED', /issuer is not accepted/],
    ['a token with a bad signature', async () => ({ authorization: `Bearer ${await issuer.token({}, { key: issuer.strangerKey })}` }), 401, 'UNAUTHENTICATED', /signature does not verify/],
    ['a token without an app role', () => bearer({ roles: [] }), 403, 'FORBIDDEN', /none of this API's app roles/],
  ])('%s: refused with its status and code, and nothing else — not even validation of the query', async (_what, headers, status, code, message) => {
    // An invalid query: an authenticated caller would get validation errors (and field suggestions).
    const reply = await ask(yoga, '{ clusterz { nam } }', { headers: await headers(), origin: REMOTE });
    expect(reply.status).toBe(status);
    expect(reply.data).toBeUndefined();
    expect(codes(reply)).toEqual([code]);
    expect(reply.errors[0]?.message).toMatch(message);
    expect(reply.errors[0]?.extensions?.requestId).toBe(reply.headers.get('x-request-id'));
    if (status === 401) expect(reply.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('keys out of reach: 503 AUTHENTICATION_UNAVAILABLE with Retry-After, and the cause logged with the request id', async () => {
    const logged: ApiLogLine[] = [];
    const broken = createYoga({ queries: new AccessQueries(store), authenticate: createAuthenticate({ tenantId: TEST_TENANT, clientId: TEST_CLIENT_ID, jwksUrl: 'http://127.0.0.1:9/keys' }), log: (l) => logged.push(l) });
    const reply = await ask(broken, CLUSTERS, { headers: await bearer(), origin: REMOTE });
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('30');
    expect(codes(reply)).toEqual(['AUTHENTICATION_UNAVAILABLE']);
    const requestId = reply.headers.get('x-request-id');
    expect(logged.find((l) => l.message === 'could not authenticate the caller')).toMatchObject({ level: 'error', requestId });
  });

  it('local mode: loopback is the local operator; the same request from another address is refused', async () => {
    expect((await ask(yoga, CLUSTERS, { origin: LOOPBACK })).status).toBe(200);
    expect((await ask(yoga, CLUSTERS, { origin: REMOTE, headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(401);
    // A node:http host may hand yoga its IncomingMessage instead of an address.
    const viaNode = await yoga.fetch('http://localhost:7071/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CLUSTERS }) }, { req: { socket: { remoteAddress: '::1' } } });
    expect(viaNode.status).toBe(200);
  });
});

describe('useRequestId', () => {
  it('echoes a caller\'s x-request-id on the response, the errors and the log line', async () => {
    const reply = await ask(yoga, '{ whoCan(request: { verb: "get", resource: "secrets" }, clusters: ["aks-nope"]) { stale } }', { headers: { 'x-request-id': 'portal-7f3a:42' } });
    expect(reply.headers.get('x-request-id')).toBe('portal-7f3a:42');
    expect(reply.errors[0]?.extensions).toMatchObject({ code: 'UNKNOWN_CLUSTER', requestId: 'portal-7f3a:42' });
    expect(lines.filter((l) => l.requestId === 'portal-7f3a:42')).toEqual([expect.objectContaining({ message: 'POST /api/graphql 200', errors: ['UNKNOWN_CLUSTER'], caller: 'local' })]);
  });

  it('makes one when there is none, and replaces one that is not a plain token (never echoes it)', async () => {
    const fresh = await ask(yoga, CLUSTERS);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const hostile = await ask(yoga, CLUSTERS, { headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await ask(yoga, CLUSTERS, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('useQueryLimits', () => {
  const deep = '{ whoCan(request: { verb: "get", resource: "secrets" }) { subjects { edges { node { via { ... on KubernetesRbacPath { viaGroup { chain } binding { name } } } } } } } }';

  it('a query as deep as the schema needs passes; deeper (through fragments too) is QUERY_LIMIT_EXCEEDED', async () => {
    expect((await ask(yoga, deep)).errors).toEqual([]);
    const tooDeep = await ask(yoga, '{ a: __typename ...F } fragment F on Query { whoCan(request: { verb: "get", resource: "secrets" }) { subjects { edges { node { via { ...P } } } } } } fragment P on KubernetesRbacPath { viaGroup { chain } rule { verbs } binding { name } role { name } }', {});
    expect(tooDeep.errors).toEqual([]);
    const limited = createYoga({ queries: new AccessQueries(store), authenticate: createAuthenticate({ localMode: true }), limits: { maxDepth: 5 }, log: () => undefined });
    expect((await ask(limited, '{ whoCan(request: { verb: "get", resource: "secrets" }) { subjects { edges { node { name } } } } }')).errors).toEqual([]);
    const refused = await ask(limited, '{ ...F } fragment F on Query { whoCan(request: { verb: "get", resource: "secrets" }) { subjects { edges { node { via { plane } } } } } }');
    expect(codes(refused)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(refused.errors[0]?.message).toBe('query depth: 6 is over the limit of 5');
    expect(refused.data).toBeUndefined();
  });

  it('more than 15 aliases is QUERY_LIMIT_EXCEEDED (aliases are how one request asks an expensive question many times)', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: clusters { name }`).join(' ')} }`;
    expect((await ask(yoga, aliases(15))).errors).toEqual([]);
    const refused = await ask(yoga, aliases(16));
    expect(codes(refused)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(refused.errors[0]?.extensions).toMatchObject({ limit: 15, found: 16 });
  });

  it('cost: big pages multiplied across aliases are refused, with the variables taken into account', async () => {
    const page = (alias: string) => `${alias}: whoCan(request: { verb: "get", resource: "secrets" }) { subjects(first: $n) { edges { node { kind name namespace objectId principalType displayName conditional namespaces via { plane kind cluster explanation } } } } }`;
    const query = `query Big($n: PositiveInt) { ${['a', 'b', 'c', 'd'].map(page).join(' ')} }`;
    expect((await ask(yoga, query, { variables: { n: 50 } })).errors).toEqual([]);
    const refused = await ask(yoga, query, { variables: { n: 500 } });
    expect(codes(refused)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(refused.errors[0]?.message).toMatch(/^query cost \(fields × page sizes\): \d+ is over the limit of 25000$/);
  });

  it('a document of more than 2000 tokens is refused before it is parsed into memory', async () => {
    const refused = await ask(yoga, `{ clusters { ${'name '.repeat(2100)} } }`);
    expect(codes(refused)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    expect(refused.errors[0]?.message).toBe('query size: more than 2000 tokens');
  });

  it('GraphiQL\'s introspection query passes (its own depth bound)', async () => {
    const reply = await ask<{ __schema: { queryType: { name: string } } }>(yoga, getIntrospectionQuery());
    expect(reply.errors).toEqual([]);
    expect(reply.data?.__schema.queryType.name).toBe('Query');
  });

  it('costOf: each field once per item of each connection above it; fragments on different types cost the dearest', () => {
    const schema = buildASTSchema(parse(loadSchemaSource().join('\n')));
    const doc = parse('{ whoCan(request: { verb: "get", resource: "x" }) { stale subjects(first: 10) { edges { node { name via { plane ... on KubernetesRbacPath { namespace ruleIndex } ... on AzureDataActionPath { scope } } } } } } }');
    // whoCan 1, stale 1, subjects 1; per subject (×10): edges, node, name, via, plane, + the dearest fragment (2).
    expect(costOf(schema, doc, undefined, {})).toBe(3 + 10 * 7);
    expect(DEFAULT_QUERY_LIMITS).toEqual({ maxDepth: 10, maxIntrospectionDepth: 16, maxAliases: 15, maxCost: 25_000, maxTokens: 2_000 });
  });
});

describe('useErrorMasking', () => {
  it('an unexpected error is masked as INTERNAL_SERVER_ERROR; its detail goes to the log with the request id', async () => {
    const logged: ApiLogLine[] = [];
    const queries = new AccessQueries(store);
    queries.clusters = () => Promise.reject(new Error('Cosmos said 500 for https://secret-account.documents.azure.com'));
    const failing = createYoga({ queries, authenticate: createAuthenticate({ localMode: true }), log: (l) => logged.push(l) });
    const reply = await ask(failing, CLUSTERS);
    expect(reply.status).toBe(200);
    expect(reply.errors).toEqual([{ message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['clusters'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: reply.headers.get('x-request-id') } }]);
    expect(JSON.stringify(reply)).not.toMatch(/secret-account/);
    const line = logged.find((l) => l.message === 'unexpected error');
    expect(line).toMatchObject({ level: 'error', requestId: reply.headers.get('x-request-id'), path: 'clusters' });
    expect(String(line?.error)).toMatch(/secret-account/);
  });

  it('what GraphQL itself refuses keeps its message, with GRAPHQL_VALIDATION_FAILED', async () => {
    const reply = await ask(yoga, '{ clusterz { name } }');
    expect(codes(reply)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(reply.errors[0]?.message).toMatch(/Cannot query field "clusterz" on type "Query"/);
    expect(reply.status).toBe(400);
  });
});

describe('GraphiQL and GET', () => {
  const page = (server: GraphqlServer) => server.fetch('http://localhost:7071/api/graphql', { headers: { accept: 'text/html' } }, LOOPBACK);

  it('served in local mode only', async () => {
    const local = createYoga({ queries: new AccessQueries(store), authenticate: createAuthenticate({ localMode: true }), graphiql: true, log: () => undefined });
    const html = await page(local);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toMatch(/aks-access/);
    const off = await page(yoga);
    expect(off.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  it('GET queries are answered (cacheable reads); the schema is Query-only', async () => {
    const response = await yoga.fetch(`http://localhost:7071/api/graphql?query=${encodeURIComponent(CLUSTERS)}`, { headers: { accept: 'application/json' } }, LOOPBACK);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { clusters: unknown[] } }).data.clusters).toHaveLength(4);
  });
});
