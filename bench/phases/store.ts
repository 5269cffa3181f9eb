/**
 * Store phase (`node --expose-gc bench/phases/store.ts SIZE [--quick]`): the whole pipeline through the store,
 * then questions through the store.
 * 1. Pipeline: the simulated tenant (its own process) → runSync with the real collectors (unitCollectors over
 *    the SDK clients) → CosmosIndexStore on the embedded Cosmos server (its own process, bench/sim/cosmosServer.ts)
 *    → compile of every cluster into stored generations. Wall time, documents written, peak RSS of this
 *    process, and the CPU and request time of the Cosmos server and of the simulator apart from ours.
 * 2. Questions: AccessQueries over the same store — single-cluster whoCan and can by ARM id, cold (a fresh
 *    AccessQueries: the cluster's pointer, generation chunks and feeding statuses read, its model built), warm
 *    (the model, pointer and statuses cached) and warm after the cache TTL (pointer and statuses read again), and
 *    the Cosmos requests each question makes, recorded by the server's request hook.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../../src/collectors/entra/clients.ts';
import { createCosmosClient } from '../../src/store/createCosmosClient.ts';
import { ensureContainers } from '../../src/store/ensureContainers.ts';
import { CosmosIndexStore } from '../../src/store/CosmosIndexStore.ts';
import { DATABASE_ID } from '../../src/store/containers.ts';
import { runSync } from '../../src/sync/runSync.ts';
import { unitCollectors } from '../../src/sync/unitCollectors.ts';
import { AccessQueries, type Asker } from '../../src/api/AccessQueries.ts';
import { clusterKey } from '../../src/engine/access/accessModel.ts';
import { buildRbacPolicy } from '../../src/engine/k8s/index.ts';
import type { AccessRequest } from '../../src/model/accessRequest.ts';
import { cpuMs, peakRssBytes, RssSampler, toMiB } from '../lib/memory.ts';
import { simulatorShare, startSimProcess } from '../lib/simProcess.ts';
import { startCosmosProcess, type CosmosRequestRecord, type CosmosStats } from '../lib/cosmosProcess.ts';
import { drawPrincipals, drawRequests } from '../lib/questions.ts';
import { round3, timeEachAsync, type LatencySummary, type TimedRun } from '../lib/stats.ts';
import { SIM_PAGE_SIZE, type Size } from '../lib/plan.ts';
import { emitResult, progress } from '../lib/phaseIo.ts';

const size = process.argv[2] as Size;
const quick = process.argv.includes('--quick');
if (!['S', 'M', 'L'].includes(size)) throw new Error('usage: store.ts S|M|L [--quick]');

const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 'bench-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const WARM_QUESTIONS = quick ? 50 : 500;
const WARM_BUDGET_MS = quick ? 2_000 : 10_000;
const COLD_BUDGET_MS = quick ? 2_000 : 15_000;
/** AccessQueries' default: how long a cluster's pointer and feeding statuses are reused. */
const CACHE_TTL_MS = 5_000;

progress(`${size}: starting the simulated tenant and the embedded Cosmos server, each in its own process`);
const [sim, cosmos] = await Promise.all([startSimProcess(size, SIM_PAGE_SIZE), startCosmosProcess()]);
const client = createCosmosClient({ endpoint: cosmos.endpoint, credential, agent: new Agent({ ca: cosmos.ca, keepAlive: true }) });
try {
  await ensureContainers(client, DATABASE_ID);
  const store = new CosmosIndexStore(client, { databaseId: DATABASE_ID });
  const arm = { endpoint: sim.armUrl, ca: sim.ca, requestTimeoutMs: 120_000 };
  const collect = unitCollectors({
    tenantId: sim.tenantId,
    credential,
    azureRbac: createAzureRbacClients(credential, arm),
    aksClusters: createAksClustersClients(credential, arm),
    entra: createEntraClients(credential, { baseUrl: sim.graphUrl, ca: sim.ca, requestTimeoutMs: 120_000 }),
  });

  // ---- 1. the pipeline ---------------------------------------------------------------------------------
  progress(`${size}: runSync (real collectors → CosmosIndexStore on the embedded Cosmos → compile every cluster)`);
  const rssAtStart = toMiB(process.memoryUsage().rss);
  const sampler = new RssSampler().start(250);
  sim.reset();
  cosmos.reset();
  const cpuAtStart = cpuMs();
  const started = performance.now();
  let lastUnitAt = started;
  let firstCompileAt: number | undefined;
  let unitsDone = 0;
  const summary = await runSync(
    { store, collect, now: Date.now, newId: randomUUID },
    {
      onUnit: () => {
        lastUnitAt = performance.now();
        if (++unitsDone % 25 === 0) progress(`${size}: ${unitsDone} units written, RSS ${toMiB(process.memoryUsage().rss)} MiB`);
      },
      onCompile: () => {
        firstCompileAt ??= performance.now();
      },
    },
  );
  const wallMs = performance.now() - started;
  const clientCpuMs = cpuMs() - cpuAtStart;
  const cosmosSync = await cosmos.stats();
  const simSync = simulatorShare(await sim.stats());
  const { maxSampledRssMiB } = sampler.stop();
  const peakRssAfterSync = toMiB(peakRssBytes());
  const failed = summary.results.filter((r) => r.status.state !== 'ok');
  if (failed.length > 0 || summary.errors.length > 0) {
    throw new Error(`sync: ${failed.length} units failed, ${summary.errors.length} errors: ${[...failed.map((r) => `${JSON.stringify(r.unit)} ${r.status.state}`), ...summary.errors.map((e) => `${e.unit}: ${e.message}`)].slice(0, 5).join('; ')}`);
  }
  const compiled = summary.compiled.filter((c) => c.state === 'compiled');
  const compileDurations = compiled.map((c) => c.durationMs);
  const totalCpu = clientCpuMs + cosmosSync.cpuMs + simSync.cpuMs;
  const pipeline = {
    units: summary.results.length,
    clustersCompiled: compiled.length,
    objectsWritten: summary.objectsWritten,
    wallMs: Math.round(wallMs),
    documentsPerSecond: Math.round(summary.objectsWritten / (wallMs / 1000)),
    /** Until the last unit was written; then the compile stage (one tenant read, every cluster compiled and its generation written). */
    collectAndWriteMs: Math.round(lastUnitAt - started),
    compileStageMs: Math.round(started + wallMs - lastUnitAt),
    /** From the last unit to the first compile finished: mostly the compile stage's one read of Azure RBAC and Entra. */
    tenantReadMs: Math.round((firstCompileAt ?? lastUnitAt) - lastUnitAt),
    compileMsPerClusterMean: Math.round(compileDurations.reduce((s, x) => s + x, 0) / Math.max(1, compileDurations.length)),
    clientCpuMs: Math.round(clientCpuMs),
    peakRssMiB: peakRssAfterSync,
    maxSampledRssMiB,
    rssAtStartMiB: rssAtStart,
    cosmosServer: {
      cpuMs: Math.round(cosmosSync.cpuMs),
      shareOfCpu: round3(cosmosSync.cpuMs / totalCpu),
      requests: cosmosSync.requests,
      byKind: cosmosSync.byKind,
      /** Wall time with at least one request in flight at the server, and its share of the run's wall time. */
      busyMs: Math.round(cosmosSync.busyMs),
      busyShareOfWall: round3(cosmosSync.busyMs / wallMs),
      handlerMsSum: Math.round(cosmosSync.handlerMs),
      peakRssMiB: toMiB(cosmosSync.maxRssBytes),
    },
    simulatedServer: { ...simSync, shareOfCpu: round3(simSync.cpuMs / totalCpu) },
  };
  progress(`${size}: sync done in ${(wallMs / 1000).toFixed(1)} s, ${summary.objectsWritten} documents, Cosmos busy ${(cosmosSync.busyMs / 1000).toFixed(1)} s`);

  // ---- 2. questions through the store -----------------------------------------------------------------
  // Clusters by ARM id, from the compile results: a name would first need the list of every pointer (a query
  // over the whole clusters container, which the embedded server scans quadratically — minutes at M).
  const clusterIds = compiled.map((c) => c.clusterId).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  const targetId = clusterIds[Math.min(clusterIds.length - 1, 2)];
  if (targetId === undefined) throw new Error('no cluster generation stored');
  const stored = await store.readCurrentGeneration(targetId);
  if (stored === undefined) throw new Error(`no generation for ${targetId}`);
  const targetName = stored.input.clusters.find((c) => clusterKey(c.id) === clusterKey(targetId))?.name ?? targetId;
  const objects = stored.input.kubernetes.get(clusterKey(targetId)) ?? [...stored.input.kubernetes.values()][0];
  if (objects === undefined) throw new Error(`generation of ${targetName} holds no Kubernetes RBAC`);
  const policy = buildRbacPolicy(objects);
  const namespaces = [...new Set(policy.bindings.map((b) => b.binding.namespace).filter((n) => n !== ''))];
  const seed = `bench-store-${size}`;
  const requests = drawRequests(seed, policy, namespaces.length > 0 ? namespaces : ['default'], WARM_QUESTIONS + 10);
  const askers: Asker[] = drawPrincipals(seed, stored.input.entra, WARM_QUESTIONS + 10).map((p) => ({ principal: p.id }));
  const pairs = requests.map((request, i) => ({ request, asker: askers[i] as Asker }));
  const whoCanOn = (q: AccessQueries, request: AccessRequest, cluster: string) => q.whoCan(request, { clusters: [cluster] });
  const canOn = (q: AccessQueries, p: { request: AccessRequest; asker: Asker }, cluster: string) => q.can(p.asker, p.request, cluster);
  /** The queries' cache clock: "warm" questions keep it still (within the TTL), "after the TTL" ones move it past the TTL first. */
  const clock = { now: Date.now() };
  const queries = () => new AccessQueries(store, { cacheTtlMs: CACHE_TTL_MS, now: () => clock.now });
  const expire = () => {
    clock.now += CACHE_TTL_MS;
  };

  // Round trips: one question of each kind, cold, warm, and warm after the TTL, every request the server saw recorded.
  const recorded = async (ask: () => Promise<unknown>): Promise<CosmosStats> => {
    cosmos.reset(true);
    await ask();
    return cosmos.stats();
  };
  const isPlan = (r: CosmosRequestRecord) => r.kind === 'query plan';
  const describe = (s: CosmosStats) => ({
    requests: s.requests,
    /** Queries with no partition key: every partition of the container (the pointer list, the unit statuses). */
    crossPartition: s.records.filter((r) => r.crossPartition && !isPlan(r)).length,
    /** Point reads and queries scoped to one partition key (the cluster's pointer and generation chunks, the feeding units' statuses). */
    singlePartition: s.records.filter((r) => !isPlan(r) && r.partitionKey !== null).length,
    /** Of those, point reads (one document by id). */
    pointReads: s.records.filter((r) => r.kind === 'point read').length,
    /** The SDK asks the gateway for a query plan before each query (no documents read). */
    queryPlans: s.records.filter(isPlan).length,
    serverMs: round3(s.records.reduce((sum, r) => sum + r.ms, 0)),
    requestsList: s.records.map((r: CosmosRequestRecord) => `${r.kind} ${r.container ?? ''}${isPlan(r) ? '' : r.crossPartition ? ' (cross-partition)' : r.partitionKey !== null ? ' (one partition)' : ''}`.replace(/ +/g, ' ').trim()),
  });
  const first = pairs[0];
  if (first === undefined) throw new Error('no question drawn');
  const rtWho = queries();
  const rtCan = queries();
  const roundTrips = {
    whoCanCold: describe(await recorded(() => whoCanOn(rtWho, first.request, targetId))),
    whoCanWarm: describe(await recorded(() => whoCanOn(rtWho, first.request, targetId))),
    whoCanAfterTtl: describe(await recorded(() => (expire(), whoCanOn(rtWho, first.request, targetId)))),
    canCold: describe(await recorded(() => canOn(rtCan, first, targetId))),
    canWarm: describe(await recorded(() => canOn(rtCan, first, targetId))),
    canAfterTtl: describe(await recorded(() => (expire(), canOn(rtCan, first, targetId)))),
  };
  cosmos.reset();

  // Cold: a fresh AccessQueries per question (no model cached), one question per stored cluster, round robin.
  progress(`${size}: cold questions (a fresh AccessQueries each: pointer, generation chunks and feeding statuses read, model built)`);
  const coldOrder = Array.from({ length: Math.max(clusterIds.length, 20) }, (_, i) => ({ cluster: clusterIds[i % clusterIds.length] ?? targetId, pair: pairs[i % pairs.length] ?? first }));
  /** Times a run and the Cosmos server's wall time with a request in flight during it (its share of the question time). */
  const withServer = async <T>(run: () => Promise<TimedRun<T>>): Promise<{ run: TimedRun<T>; serverBusyMs: number; totalMs: number }> => {
    cosmos.reset();
    const t0 = performance.now();
    const r = await run();
    const totalMs = performance.now() - t0;
    const s = await cosmos.stats();
    return { run: r, serverBusyMs: s.busyMs, totalMs };
  };
  const coldWho = await withServer(() => timeEachAsync(coldOrder, ({ cluster, pair }) => whoCanOn(queries(), pair.request, cluster), COLD_BUDGET_MS, 5));
  // `can` on the drawn cluster only: its askers are principals of that cluster's slice. Asked about another
  // cluster, a principal its slice does not name is looked up in every cluster's (AccessQueries.principal: the
  // pointer list and every generation), which is a whole-tenant read, not a single-cluster question.
  const coldCanOrder = coldOrder.map((c) => ({ ...c, cluster: targetId }));
  const coldCan = await withServer(() => timeEachAsync(coldCanOrder, ({ cluster, pair }) => canOn(queries(), pair, cluster), COLD_BUDGET_MS, 5));

  // Warm: one AccessQueries, one cluster, its model cached after untimed first questions; within the TTL (the
  // clock kept still: no request at all), then with the TTL passed before each question (pointer + statuses).
  progress(`${size}: warm questions on ${targetName}`);
  const warm = queries();
  for (const p of pairs.slice(0, 10)) {
    await whoCanOn(warm, p.request, targetId);
    await canOn(warm, p, targetId);
  }
  const warmPairs = pairs.slice(10);
  const warmWho = await withServer(() => timeEachAsync(warmPairs, (p) => whoCanOn(warm, p.request, targetId), WARM_BUDGET_MS, 20));
  const warmCan = await withServer(() => timeEachAsync(warmPairs, (p) => canOn(warm, p, targetId), WARM_BUDGET_MS, 20));
  const afterTtlWho = await withServer(() => timeEachAsync(warmPairs, (p) => (expire(), whoCanOn(warm, p.request, targetId)), WARM_BUDGET_MS, 20));
  const afterTtlCan = await withServer(() => timeEachAsync(warmPairs, (p) => (expire(), canOn(warm, p, targetId)), WARM_BUDGET_MS, 20));
  const latency = (r: { run: TimedRun<unknown>; serverBusyMs: number; totalMs: number }, asked: number): LatencySummary & { asked: number; stoppedByBudget: boolean; serverShare: number } => ({
    ...r.run.summary,
    asked,
    stoppedByBudget: r.run.stoppedByBudget,
    /** Share of the questions' wall time with a Cosmos request in flight at the server. */
    serverShare: round3(r.serverBusyMs / r.totalMs),
  });

  emitResult({
    phase: 'store',
    size,
    quick,
    pipeline,
    questions: {
      cluster: { name: targetName, clusterId: targetId, clusters: clusterIds.length, askedBy: 'ARM id', cacheTtlMs: CACHE_TTL_MS },
      latency: {
        whoCanCold: latency(coldWho, coldOrder.length),
        canCold: latency(coldCan, coldCanOrder.length),
        whoCanWarm: latency(warmWho, warmPairs.length),
        canWarm: latency(warmCan, warmPairs.length),
        whoCanAfterTtl: latency(afterTtlWho, warmPairs.length),
        canAfterTtl: latency(afterTtlCan, warmPairs.length),
      },
      roundTrips,
    },
    peakRssMiB: toMiB(peakRssBytes()),
  });
} finally {
  client.dispose();
  await Promise.all([sim.close(), cosmos.close()]);
}
