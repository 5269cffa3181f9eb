/**
 * The sync as the Functions host would run it, without the host: the composition built from configuration
 * (keyless: one TokenCredential for ARM, Graph, Kubernetes, Cosmos and Storage), the timer handler enqueuing
 * into a real Azurite queue, and the queue handlers fed message by message from Azurite — decoded as the host
 * decodes them — until both queues are empty. The tenant is scenarios/contoso.yaml served by the simulator;
 * the store is the in-process Cosmos server.
 *
 * Azurite runs over HTTPS with `--oauth basic`: the only way it accepts Entra tokens, so the enqueue path under
 * test is the production one (no account key, no connection string), differing only in endpoint and CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { startSimTenant, type SimTenant } from '../../src/sim/startSimTenant.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { ConfigError } from '../../src/config/ConfigError.ts';
import { compose, type Composition } from '../../src/composition.ts';
import { createCosmosClient } from '../../src/store/createCosmosClient.ts';
import { ensureContainers } from '../../src/store/ensureContainers.ts';
import { COMPILE_QUEUE, UNIT_QUEUE, decodeMessage, parseUnitMessage } from '../../src/sync/syncMessages.ts';
import { QueueServiceClient, type QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';
import { createTestCertificate, startAzuriteQueue, TestJwtCredential, type AzuriteQueue } from '../helpers/azuriteQueue.ts';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { invocationContext, timerTrigger } from '../helpers/functionContext.ts';
import { recordingRetry } from '../helpers/simTenantHarness.ts';
import { syncTimer } from '../../functions/syncTimer.ts';
import { syncUnit } from '../../functions/syncUnit.ts';
import { syncCompile } from '../../functions/syncCompile.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE = 'aks-access-functions';

let scenario: TenantScenario;
let azurite: AzuriteQueue;
let cosmos: CosmosTestServer;
let sim: SimTenant;
let dir: string;
let credential: TestJwtCredential;
let app: Composition;
let units: QueueClient;
let compiles: QueueClient;

beforeAll(async () => {
  scenario = await loadScenario(join(ROOT, 'scenarios/contoso.yaml'));
  const certificate = await createTestCertificate();
  [azurite, cosmos, sim] = await Promise.all([startAzuriteQueue(certificate), startCosmosServer(), startSimTenant(scenario, { certificate, pageSize: 50 })]);
  dir = await mkdtemp(join(tmpdir(), 'aks-access-functions-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, `${certificate.ca}\n${cosmos.ca}`);
  const config = loadConfig({
    TENANT_ID: scenario.tenantId,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE: DATABASE,
    AzureWebJobsStorage__queueServiceUri: azurite.queueServiceUri,
    SYNC_SCHEDULE: '0 0 */6 * * *',
    SYNC_COMPILE_DELAY_SECONDS: '0',
    ARM_ENDPOINT: sim.armUrl,
    GRAPH_ENDPOINT: sim.graphUrl,
    TLS_CA_FILE: caFile,
    REQUEST_TIMEOUT_MS: '5000',
  });
  credential = new TestJwtCredential(scenario.tenantId);
  app = compose(config, { credential, retry: recordingRetry(3) });
  // Local-run setup steps (production has both deployed by Bicep).
  await ensureContainers(createCosmosClient({ endpoint: cosmos.endpoint, credential, agent: new Agent({ ca: cosmos.ca }) }), DATABASE);
  await app.ensureQueues();
  const trustAzurite: StoragePipelineOptions & { tlsOptions: { ca: string } } = { tlsOptions: { ca: azurite.ca } };
  const service = new QueueServiceClient(azurite.queueServiceUri, credential, trustAzurite);
  units = service.getQueueClient(UNIT_QUEUE);
  compiles = service.getQueueClient(COMPILE_QUEUE);
}, 60_000);

afterAll(async () => {
  await Promise.all([azurite.close(), cosmos.close(), sim.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** Plays the host: receive, decode (base64 JSON), call the handler, delete on success; until both queues are empty. */
async function drainQueues(): Promise<{ units: number; compiles: number; logs: string[] }> {
  const done = { units: 0, compiles: 0, logs: [] as string[] };
  for (;;) {
    let delivered = 0;
    for (const [queue, handler, kind] of [
      [units, app.syncHandlers.onUnitMessage, 'units'],
      [compiles, app.syncHandlers.onCompileMessage, 'compiles'],
    ] as const) {
      const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 120 });
      await Promise.all(
        receivedMessageItems.map(async (m) => {
          const { context, logs } = invocationContext(kind === 'units' ? 'syncUnit' : 'syncCompile');
          await handler(decodeMessage(m.messageText), context);
          done.logs.push(...logs);
          await queue.deleteMessage(m.messageId, m.popReceipt);
        }),
      );
      done[kind] += receivedMessageItems.length;
      delivered += receivedMessageItems.length;
    }
    if (delivered === 0) return done;
  }
}

describe('the sync functions on Azurite queues, the in-process Cosmos server and the simulated tenant', () => {
  it('the timer enqueues the run’s first stage: one base64 JSON message per tenant unit', async () => {
    const { context, logs } = invocationContext('syncTimer');
    await app.syncHandlers.onSchedule(timerTrigger(), context);
    const { peekedMessageItems } = await units.peekMessages({ numberOfMessages: 32 });
    const messages = peekedMessageItems.map((m) => parseUnitMessage(decodeMessage(m.messageText)));
    expect(messages.map((m) => m.unit)).toEqual([
      { source: 'azure-rbac', scope: 'tenant' },
      { source: 'entra', scope: 'tenant' },
    ]);
    expect(new Set(messages.map((m) => m.runId)).size).toBe(1);
    expect(logs[0]).toMatch(/^information \[run-\d{8}T\d{9}Z-[0-9a-f-]{36}\] sync run planned: azure-rbac tenant, entra tenant$/);
  });

  it('the queue functions run every unit and compile every cluster, then both queues are empty', async () => {
    const { peekedMessageItems } = await units.peekMessages({ numberOfMessages: 1 });
    const runId = parseUnitMessage(decodeMessage(peekedMessageItems[0]?.messageText ?? '')).runId;
    const done = await drainQueues();
    const expectedUnits = 2 + 2 * scenario.subscriptions.length + scenario.clusters.length;
    expect(done.units).toBe(expectedUnits);
    const statuses = (await app.store.listUnitStatus()).filter((s) => s.runId === runId);
    expect(statuses.map((s) => `${s.unit} ${s.state}`).filter((s) => !s.endsWith(' ok'))).toEqual([]);
    expect(statuses).toHaveLength(expectedUnits);
    const generations = await app.store.listClusterGenerations();
    expect(generations.map((g) => g.name).sort()).toEqual(scenario.clusters.map((c) => String(c.arm.name)).sort());
    // Compile requests were coalesced: at least one per cluster ran, the rest said why they were skipped.
    expect(done.logs.filter((l) => /\] compile .*: generation gen-/.test(l)).length).toBeGreaterThanOrEqual(scenario.clusters.length);
    const input = await app.store.readTenantInput();
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id.toLowerCase()).sort();
    expect(ids(input.azure.roleAssignments)).toEqual(ids(scenario.azure.roleAssignments));
    expect(ids(input.entra.groups)).toEqual(ids(scenario.entra.groups));
    expect((await units.getProperties()).approximateMessagesCount).toBe(0);
    expect((await compiles.getProperties()).approximateMessagesCount).toBe(0);
  }, 60_000);

  it('is keyless end to end: Storage, Cosmos, ARM and Graph each got an Entra token for their own audience', () => {
    const audiences = new Set(credential.scopes);
    expect(audiences).toContain('https://storage.azure.com/.default');
    expect(audiences).toContain('https://management.azure.com/.default');
    expect([...audiences].some((s) => s.startsWith('https://127.0.0.1:') || s.includes('documents'))).toBe(true);
    expect(cosmos.requests.every((r) => decodeURIComponent(String(r.headers.authorization)).startsWith('type=aad'))).toBe(true);
  });
});

describe('functions/: thin registrations', () => {
  it('bind the schedule from configuration and the queues by name over the identity-based AzureWebJobsStorage connection', () => {
    expect(syncTimer.schedule).toBe('%SYNC_SCHEDULE%');
    expect(syncUnit).toMatchObject({ queueName: UNIT_QUEUE, connection: 'AzureWebJobsStorage' });
    expect(syncCompile).toMatchObject({ queueName: COMPILE_QUEUE, connection: 'AzureWebJobsStorage' });
  });

  it('without configuration, an invocation fails with every missing variable named', async () => {
    for (const name of ['TENANT_ID', 'COSMOS_ENDPOINT', 'COSMOS_DATABASE', 'AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__accountName', 'SYNC_SCHEDULE']) Reflect.deleteProperty(process.env, name);
    const { context } = invocationContext('syncTimer');
    const failure = Promise.resolve().then(() => syncTimer.handler(timerTrigger(), context));
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/TENANT_ID is not set[\s\S]*SYNC_SCHEDULE is not set/);
  });

  it('host.json: Functions v4 extension bundle, queue retries and poison after a bounded number of dequeues', async () => {
    const host = JSON.parse(await readFile(join(ROOT, 'host.json'), 'utf8')) as { version: string; extensionBundle: { id: string; version: string }; extensions: { queues: Record<string, unknown> } };
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
    expect(host.extensions.queues).toMatchObject({ messageEncoding: 'base64', maxDequeueCount: 5, visibilityTimeout: '00:02:00' });
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/functions/*.js');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
  });
});
