/**
 * The ONE place that builds real clients: the credential, Cosmos DB, the Storage queues and the collectors'
 * ARM / Graph / Kubernetes clients, from the validated configuration. Everything else receives them.
 * Keyless everywhere: one TokenCredential (the app's managed identity in Azure) signs every request.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { QueueServiceClient, type StoragePipelineOptions } from '@azure/storage-queue';
import type { AppConfig } from './config/AppConfig.ts';
import { loadConfig } from './config/loadConfig.ts';
import { createAzureRbacClients } from './collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from './collectors/aks-clusters/clients.ts';
import { createEntraClients } from './collectors/entra/clients.ts';
import type { ArmClientSettings } from './collectors/armClientOptions.ts';
import type { GraphClientSettings } from './collectors/entra/graphClient.ts';
import type { RetryPolicy } from './collectors/withRetry.ts';
import { createCosmosClient } from './store/createCosmosClient.ts';
import { CosmosIndexStore } from './store/CosmosIndexStore.ts';
import type { IndexStore } from './store/IndexStore.ts';
import { unitCollectors } from './sync/unitCollectors.ts';
import { storageSyncQueues, type SyncQueues } from './sync/SyncQueues.ts';
import { COMPILE_QUEUE, UNIT_QUEUE } from './sync/syncMessages.ts';
import { createSyncHandlers, type SyncHandlerDeps, type SyncHandlers } from './sync/syncHandlers.ts';

export interface Composition {
  readonly config: AppConfig;
  readonly credential: TokenCredential;
  readonly store: IndexStore;
  readonly queues: SyncQueues;
  readonly syncDeps: SyncHandlerDeps;
  readonly syncHandlers: SyncHandlers;
  /** Creates the sync queues if missing: local runs and tests only (in Azure they are deployed with the storage account). */
  ensureQueues(): Promise<void>;
}

export interface CompositionOverrides {
  /** Instead of the managed identity / DefaultAzureCredential (tests, local simulators). */
  readonly credential?: TokenCredential;
  /** Instead of the collectors' default retry policy (tests: no real sleeping). */
  readonly retry?: RetryPolicy;
}

/** The app's identity: the user-assigned managed identity when AZURE_CLIENT_ID names one, else DefaultAzureCredential (az login, environment, workload or managed identity). */
export function createCredential(config: AppConfig): TokenCredential {
  return config.managedIdentityClientId === undefined ? new DefaultAzureCredential() : new ManagedIdentityCredential({ clientId: config.managedIdentityClientId });
}

/** Builds every client from the configuration. No request is sent until something is used. */
export function compose(config: AppConfig, overrides: CompositionOverrides = {}): Composition {
  const credential = overrides.credential ?? createCredential(config);
  const ca = config.tlsCaFile === undefined ? undefined : readFileSync(config.tlsCaFile, 'utf8');

  const cosmos = createCosmosClient({ endpoint: config.cosmos.endpoint, credential, ...(ca === undefined ? {} : { agent: new Agent({ ca, keepAlive: true }) }) });
  const store = new CosmosIndexStore(cosmos, { databaseId: config.cosmos.database });

  // StoragePipelineOptions has no TLS field of its own, but the options reach core-rest-pipeline's
  // createPipelineFromOptions, whose `tlsOptions` adds the trusted CA to this client's requests only.
  const queueOptions: StoragePipelineOptions & { tlsOptions?: { ca: string } } = ca === undefined ? {} : { tlsOptions: { ca } };
  const queueService = new QueueServiceClient(config.queueServiceUri, credential, queueOptions);
  const unitQueue = queueService.getQueueClient(UNIT_QUEUE);
  const compileQueue = queueService.getQueueClient(COMPILE_QUEUE);
  const queues = storageSyncQueues({ units: unitQueue, compiles: compileQueue, compileDelaySeconds: config.compileDelaySeconds });

  const arm: ArmClientSettings = { endpoint: config.arm.endpoint, requestTimeoutMs: config.requestTimeoutMs, ...(config.arm.audience === undefined ? {} : { audience: config.arm.audience }), ...(ca === undefined ? {} : { ca }) };
  const graph: GraphClientSettings = { baseUrl: config.graphEndpoint, requestTimeoutMs: config.requestTimeoutMs, ...(ca === undefined ? {} : { ca }) };
  const collect = unitCollectors({
    tenantId: config.tenantId,
    credential,
    azureRbac: createAzureRbacClients(credential, arm),
    aksClusters: createAksClustersClients(credential, arm),
    entra: createEntraClients(credential, graph),
    ...(overrides.retry === undefined ? {} : { retry: overrides.retry }),
  });

  const syncDeps: SyncHandlerDeps = { store, collect, queues, now: () => Date.now(), newId: () => randomUUID(), concurrency: config.syncConcurrency };
  return {
    config,
    credential,
    store,
    queues,
    syncDeps,
    syncHandlers: createSyncHandlers(syncDeps),
    ensureQueues: async () => {
      await Promise.all([unitQueue.createIfNotExists(), compileQueue.createIfNotExists()]);
    },
  };
}

let fromEnvironment: Composition | undefined;

/** The process's composition, from process.env, built on first use (a configuration error fails that invocation with every problem named). */
export function composition(): Composition {
  fromEnvironment ??= compose(loadConfig(process.env));
  return fromEnvironment;
}
