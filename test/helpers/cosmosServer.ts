/**
 * The in-process Cosmos DB server (@vercel/cosmosdb-server) on an ephemeral port, serving HTTPS with our own
 * certificate so the client trusts it through an https.Agent({ ca }) — never by turning verification off.
 * The server keeps everything in memory and starts empty; ensureContainers() creates what the store needs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'node:https';
import type { CosmosClient } from '@azure/cosmos';
import { startEmbeddedCosmos } from '../../src/dev/embeddedCosmos.ts';
import { createSimCertificate, type SimCertificate } from '../../src/sim/server/simCertificate.ts';
import { CosmosIndexStore, type CosmosIndexStoreOptions } from '../../src/store/CosmosIndexStore.ts';
import { createCosmosClient } from '../../src/store/createCosmosClient.ts';
import { ensureContainers } from '../../src/store/ensureContainers.ts';
import { StaticTokenCredential } from './simTenantHarness.ts';

export interface CosmosServerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface CosmosTestServer {
  /** `https://127.0.0.1:<port>/`. */
  readonly endpoint: string;
  /** PEM to trust (the certificate is its own CA). */
  readonly ca: string;
  /** Every request the server received, in order (method, path, headers), for tests that look at the wire. */
  readonly requests: CosmosServerRequest[];
  close(): Promise<void>;
}

let sharedCertificate: Promise<SimCertificate> | undefined;

export async function startCosmosServer(): Promise<CosmosTestServer> {
  sharedCertificate ??= createSimCertificate();
  const requests: CosmosServerRequest[] = [];
  const cosmos = await startEmbeddedCosmos(await sharedCertificate, (req) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  });
  return { endpoint: cosmos.endpoint, ca: cosmos.ca, requests, close: () => cosmos.close() };
}

export interface TestIndexStore {
  readonly store: CosmosIndexStore;
  readonly client: CosmosClient;
  readonly databaseId: string;
  readonly credential: StaticTokenCredential;
}

let databases = 0;

/**
 * A CosmosIndexStore on the server through the production client factory (keyless: a static test token;
 * the server checks none), in a fresh database with every container created — one per test, so tests never
 * see each other's documents.
 */
export async function createTestIndexStore(server: CosmosTestServer, options: CosmosIndexStoreOptions = {}): Promise<TestIndexStore> {
  const credential = new StaticTokenCredential('cosmos-test-token');
  const client = createCosmosClient({ endpoint: server.endpoint, credential, agent: new Agent({ ca: server.ca }) });
  const databaseId = `aks-access-test-${process.pid}-${++databases}`;
  await ensureContainers(client, databaseId);
  return { store: new CosmosIndexStore(client, { ...options, databaseId }), client, databaseId, credential };
}
