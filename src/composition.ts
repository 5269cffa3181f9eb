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
import { ConfigError } from './config/ConfigError.ts';
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
import { webhookNotifier } from './notify/riskyGrantNotifier.ts';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import type { FetchImplementation } from 'jose';
import { AccessQueries } from './api/AccessQueries.ts';
import { suppressionsSource } from './config/loadSuppressions.ts';
import { createAuthenticate } from './api/auth/createAuthenticate.ts';
import type { Authenticate } from './api/auth/Caller.ts';
import { reportSources } from './api/reportSources.ts';
import { CosmosReportStore } from './reports/CosmosReportStore.ts';
import type { ReportStore } from './reports/ReportStore.ts';
import { createReportHandler, type ReportTimerHandler } from './reports/reportHandler.ts';

export interface Composition {
  readonly config: AppConfig;
  readonly credential: TokenCredential;
  readonly store: IndexStore;
  readonly queues: SyncQueues;
  readonly syncDeps: SyncHandlerDeps;
  readonly syncHandlers: SyncHandlers;
  /** Creates the sync queues if missing: local runs and tests only (in Azure they are deployed with the storage account). */
  ensureQueues(): Promise<void>;
  /**
   * What the API functions share, built on first use (the sync functions never need it, and a deployment
   * without any way to authenticate callers fails here, naming the settings, not at start-up).
   */
  readonly api: ApiComposition;
  /** The compliance report: where reports are stored (the API reads them too) and the timer's handler. */
  readonly reports: ReportComposition;
}

export interface ReportComposition {
  readonly store: ReportStore;
  readonly onSchedule: ReportTimerHandler;
}


/** The API's parts: one query layer (its per-generation cache shared by GraphQL and REST) and one authentication. */
export interface ApiComposition {
  readonly queries: AccessQueries;
  readonly authenticate: Authenticate;
  /** API_LOCAL_MODE: loopback callers are trusted and GraphiQL is served. */
  readonly localMode: boolean;
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

/**
 * The API's authentication from configuration. The signing keys are fetched with a client that also trusts
 * TLS_CA_FILE when it is set (a local identity provider), never with verification turned off.
 */
export function createApiAuthenticate(api: AppConfig['api'], ca?: string): Authenticate {
  if (api.clientId === undefined && !api.appServiceAuthentication && !api.localMode) {
    throw new ConfigError(['API_CLIENT_ID is not set (nor API_APP_SERVICE_AUTH=true): the API cannot authenticate its callers; set it to the client id (a GUID) of the API\'s app registration']);
  }
  const agent = ca === undefined ? undefined : new UndiciAgent({ connect: { ca } });
  // undici's Response is the WHATWG Response jose reads (status, json()); only the TypeScript types differ.
  const jwksFetch: FetchImplementation | undefined = agent === undefined ? undefined : async (url, options) => (await undiciFetch(url, { method: options.method, redirect: options.redirect, signal: options.signal, headers: Object.fromEntries(options.headers), dispatcher: agent })) as unknown as Response;
  return createAuthenticate({
    tenantId: api.tenantId,
    ...(api.clientId === undefined ? {} : { clientId: api.clientId }),
    audiences: api.audiences,
    ...(api.issuers === undefined ? {} : { issuers: api.issuers }),
    ...(api.jwksUrl === undefined ? {} : { jwksUrl: api.jwksUrl }),
    ...(jwksFetch === undefined ? {} : { jwksFetch }),
    appServiceAuthentication: api.appServiceAuthentication,
    localMode: api.localMode,
  });
}

/** Builds every client from the configuration. No request is sent until something is used. */
export function compose(config: AppConfig, overrides: CompositionOverrides = {}): Composition {
  const credential = overrides.credential ?? createCredential(config);
  const ca = config.tlsCaFile === undefined ? undefined : readFileSync(config.tlsCaFile, 'utf8');

  const cosmos = createCosmosClient({ endpoint: config.cosmos.endpoint, credential, ...(ca === undefined ? {} : { agent: new Agent({ ca, keepAlive: true }) }) });
  const store = new CosmosIndexStore(cosmos, { databaseId: config.cosmos.database, historyTtlSeconds: config.changes.historyTtlDays * 24 * 3600 });

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

  const webhook = config.changes.webhook;
  const syncDeps: SyncHandlerDeps = {
    store,
    collect,
    queues,
    now: () => Date.now(),
    newId: () => randomUUID(),
    concurrency: config.syncConcurrency,
    ...(webhook === undefined ? {} : { notifier: webhookNotifier(webhook) }),
  };
  let api: ApiComposition | undefined;
  const reportStore = new CosmosReportStore(cosmos, { databaseId: config.cosmos.database });
  let reports: ReportComposition | undefined;
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
    get api() {
      api ??= { queries: new AccessQueries(store, { suppressions: suppressionsSource(config.suppressions) }), authenticate: createApiAuthenticate(config.api, ca), localMode: config.api.localMode };
      return api;
    },
    get reports() {
      reports ??= { store: reportStore, onSchedule: createReportHandler({ sources: reportSources(new AccessQueries(store, { suppressions: suppressionsSource(config.suppressions) })), store: reportStore, now: () => new Date(), tenantId: config.tenantId }) };
      return reports;
    },
  };
}

let fromEnvironment: Composition | undefined;

/** The process's composition, from process.env, built on first use (a configuration error fails that invocation with every problem named). */
export function composition(): Composition {
  fromEnvironment ??= compose(loadConfig(process.env));
  return fromEnvironment;
}
