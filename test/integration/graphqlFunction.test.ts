/**
 * functions/graphql.ts as the Functions host would call it: a real HttpRequest and InvocationContext from
 * @azure/functions, the composition built from configuration (Cosmos store, the API's authentication), the
 * generations of contoso in the in-process Cosmos server, and Entra played by a key pair made here whose JWKS is
 * served over HTTPS — trusted through TLS_CA_FILE like every other local endpoint, never by turning checks off.
 *
 * Only the credential differs from production (a static token for Cosmos instead of a managed identity): the
 * composition module is replaced by the same compose() over that credential.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import type { Composition } from '../../src/composition.ts';
import { createTestCertificate } from '../helpers/azuriteQueue.ts';
import { startCosmosServer, createTestIndexStore, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { StaticTokenCredential } from '../helpers/simTenantHarness.ts';
import { createTestIssuer, TEST_CLIENT_ID, TEST_TENANT, type TestIssuer } from '../helpers/entraTokens.ts';
import { writeContoso } from '../helpers/contosoGenerations.ts';
import { invocationContext } from '../helpers/functionContext.ts';

const state = vi.hoisted(() => ({ app: undefined as Composition | undefined }));

vi.mock('../../src/composition.ts', async (original) => {
  const real = await original<typeof import('../../src/composition.ts')>();
  return {
    ...real,
    composition: () => {
      if (state.app === undefined) throw new Error('composition used before the test built it');
      return state.app;
    },
  };
});

const { graphql } = await import('../../functions/graphql.ts');
const { compose } = await import('../../src/composition.ts');
const { loadConfig } = await import('../../src/config/loadConfig.ts');

let cosmos: CosmosTestServer;
let keys: Server;
let issuer: TestIssuer;
let dir: string;
let jwksFetches = 0;

beforeAll(async () => {
  // Its own name: two self-signed CAs with one subject name in a trust list confuse certificate lookup.
  const certificate = await createTestCertificate('aks-access-test-entra');
  issuer = await createTestIssuer();
  keys = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    jwksFetches += 1;
    if (req.url === `/${TEST_TENANT}/discovery/v2.0/keys`) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
  cosmos = await startCosmosServer();
  const { store, databaseId } = await createTestIndexStore(cosmos);
  await writeContoso(store);
  dir = await mkdtemp(join(tmpdir(), 'aks-access-graphql-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, `${certificate.ca}\n${cosmos.ca}`);
  const config = loadConfig({
    TENANT_ID: TEST_TENANT,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE: databaseId,
    AzureWebJobsStorage__queueServiceUri: 'https://aksaccessfn.queue.core.windows.net',
    SYNC_SCHEDULE: '0 0 */6 * * *',
    TLS_CA_FILE: caFile,
    API_CLIENT_ID: TEST_CLIENT_ID,
    API_JWKS_URL: `https://127.0.0.1:${(keys.address() as AddressInfo).port}/${TEST_TENANT}/discovery/v2.0/keys`,
  });
  state.app = compose(config, { credential: new StaticTokenCredential('cosmos-test-token') });
}, 60_000);

afterAll(async () => {
  await cosmos.close();
  await new Promise<void>((resolve) => {
    keys.close(() => {
      resolve();
    });
  });
  await rm(dir, { recursive: true, force: true });
});

async function call(init: ConstructorParameters<typeof HttpRequest>[0]): Promise<{ response: HttpResponseInit; json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const { context } = invocationContext('graphql');
  const response = await graphql.handler(new HttpRequest(init), context);
  const body = response.body instanceof Uint8Array ? Buffer.from(response.body).toString('utf8') : '';
  return { response, json: JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

const QUESTION = `{ whoCan(request: { verb: "get", resource: "secrets", namespace: "payments" }, clusters: ["aks-prod-weu"]) {
  cluster { name generation } stale
  subjects(first: 100) { totalCount edges { node { name principalType via { plane kind explanation } } } }
} }`;

describe('functions/graphql.ts', () => {
  it('registers GET and POST on the graphql route, anonymous to the platform (auth is in code)', () => {
    expect(graphql).toMatchObject({ route: 'graphql', methods: ['GET', 'POST'], authLevel: 'anonymous' });
  });

  it('a POST with an Entra token: who can read secrets in payments, from the Cosmos store, both planes', async () => {
    const token = await issuer.token();
    const { response, json } = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'portal-1' }, body: { string: JSON.stringify({ query: QUESTION }) } });
    expect(json.errors).toBeUndefined();
    expect(response.status).toBe(200);
    expect((response.headers as Record<string, string>)['x-request-id']).toBe('portal-1');
    const [prod] = (json.data?.whoCan ?? []) as { cluster: { name: string; generation: string }; stale: boolean; subjects: { totalCount: number; edges: { node: { name: string; via: { plane: string }[] } }[] } }[];
    expect(prod).toMatchObject({ cluster: { name: 'aks-prod-weu', generation: 'gen-1' }, stale: false });
    const planes = new Set(prod?.subjects.edges.flatMap((e) => e.node.via.map((p) => p.plane)));
    expect(planes).toEqual(new Set(['azure', 'kubernetes']));
    expect(prod?.subjects.edges.some((e) => e.node.name === 'bob@contoso.com')).toBe(true);
    expect(jwksFetches).toBe(1);
  });

  it('a GET query works too; a request without an id gets the invocation id', async () => {
    const token = await issuer.token({ roles: ['Access.Admin'] });
    const { response, json } = await call({ method: 'GET', url: `http://localhost:7071/api/graphql?query=${encodeURIComponent('{ indexStatus { clusters unitStatuses { unit } } }')}`, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(json.data).toEqual({ indexStatus: { clusters: 4, unitStatuses: [] } });
    expect((response.headers as Record<string, string>)['x-request-id']).toBe('test-graphql');
  });

  it('no token is a 401; a token for another API is a 401; a token without a role is a 403 — nothing is answered', async () => {
    const none = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ query: QUESTION }) } });
    expect(none.response.status).toBe(401);
    expect(none.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.json.data).toBeUndefined();
    // The host's remote address never reaches local mode; a loopback-looking header changes nothing.
    const spoofed = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', 'x-forwarded-for': '127.0.0.1' }, body: { string: JSON.stringify({ query: QUESTION }) } });
    expect(spoofed.response.status).toBe(401);
    const graphToken = await issuer.token({ aud: 'https://graph.microsoft.com' });
    const other = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${graphToken}` }, body: { string: JSON.stringify({ query: QUESTION }) } });
    expect(other.response.status).toBe(401);
    const noRole = await issuer.token({ roles: undefined });
    const forbidden = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${noRole}` }, body: { string: JSON.stringify({ query: QUESTION }) } });
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.json.errors?.[0]?.message).toMatch(new RegExp(`portal-reader@contoso.com has none of this API's app roles`));
  });

  it('with no way to authenticate configured, a request fails naming the setting (the sync functions are unaffected)', async () => {
    const configured = state.app;
    if (configured === undefined) throw new Error('no composition');
    state.app = compose({ ...configured.config, api: { tenantId: TEST_TENANT, audiences: [], appServiceAuthentication: false, localMode: false } }, { credential: new StaticTokenCredential() });
    try {
      const { context } = invocationContext('graphql');
      const failure = Promise.resolve().then(() => graphql.handler(new HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/graphql', body: { string: '{}' } }), context));
      await expect(failure).rejects.toThrow(/API_CLIENT_ID is not set/);
      expect(state.app.syncHandlers).toBeDefined();
    } finally {
      state.app = configured;
    }
  });

  it('an unknown cluster is UNKNOWN_CLUSTER at 200 (a GraphQL field error), naming the indexed clusters', async () => {
    const token = await issuer.token();
    const { response, json } = await call({ method: 'POST', url: 'http://localhost:7071/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: { string: JSON.stringify({ query: '{ whoCan(request: { verb: "get", resource: "secrets" }, clusters: ["aks-nope"]) { stale } }' }) } });
    expect(response.status).toBe(200);
    expect(json.errors?.[0]).toMatchObject({ extensions: { code: 'UNKNOWN_CLUSTER' }, message: expect.stringMatching(/indexed clusters: .*aks-prod-weu/) as unknown });
  });
});
