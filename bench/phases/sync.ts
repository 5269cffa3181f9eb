/**
 * Sync phase (`node --expose-gc bench/phases/sync.ts SIZE whole|streaming [--quick]`): the collectors against
 * the simulated tenant (served by its own process), then the compile.
 * - whole: the in-memory collection run (src/sync/collectTenant.ts, 4 units in flight), then buildAccessModel
 *   over everything collected — memory grows with the tenant.
 * - streaming: one unit at a time, each snapshot counted by a store that sends nothing, each cluster compiled
 *   right after its collection and dropped — memory bounded by the largest unit.
 * The simulator's CPU time is read from its own process; ours from this one.
 */
import type { TokenCredential } from '@azure/identity';
import { collectTenant } from '../../src/sync/collectTenant.ts';
import { SCENARIO_SIZES } from '../../src/sim/scenario/generateScenario.ts';
import { buildAccessModel } from '../../src/engine/access/accessModel.ts';
import { CountingStore } from '../lib/countingStore.ts';
import { streamingSync } from '../lib/streamingSync.ts';
import { cpuMs, peakRssBytes, RssSampler, toMiB } from '../lib/memory.ts';
import { simulatorShare, startSimProcess } from '../lib/simProcess.ts';
import { round3 } from '../lib/stats.ts';
import { SIM_PAGE_SIZE, type Size } from '../lib/plan.ts';
import { emitResult, progress } from '../lib/phaseIo.ts';

const size = process.argv[2] as Size;
const mode = process.argv[3];
const quick = process.argv.includes('--quick');
if (!['S', 'M', 'L'].includes(size) || (mode !== 'whole' && mode !== 'streaming')) throw new Error('usage: sync.ts S|M|L whole|streaming [--quick]');

const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 'bench-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

progress(`${size}: starting the simulated tenant in its own process`);
const sim = await startSimProcess(size, SIM_PAGE_SIZE);
try {
  const arm = { endpoint: sim.armUrl, ca: sim.ca, requestTimeoutMs: 120_000 };
  const graph = { baseUrl: sim.graphUrl, ca: sim.ca, requestTimeoutMs: 120_000 };
  const rssAtStart = toMiB(process.memoryUsage().rss);
  const sampler = new RssSampler().start(250);
  sim.reset();
  const cpuAtStart = cpuMs();
  const started = performance.now();
  let detail: Record<string, unknown>;
  let objects: number;

  if (mode === 'whole') {
    progress(`${size}: collectTenant (every unit, 4 in flight), then buildAccessModel`);
    const run = await collectTenant({ tenantId: sim.tenantId, credential, arm, graph });
    const collectMs = performance.now() - started;
    const failed = run.units.filter((u) => u.status !== 'ok');
    if (failed.length > 0) throw new Error(`${failed.length} units failed: ${failed.map((u) => `${u.unit}: ${u.message ?? u.status}`).join('; ')}`);
    const k8sObjects = [...run.kubernetes.values()].reduce((n, k) => n + k.roles.length + k.bindings.length + k.namespaces.length + k.serviceAccounts.length + k.pods.length, 0);
    const azureObjects = run.azure.roleDefinitions.length + run.azure.roleAssignments.length + run.azure.denyAssignments.length + run.azure.hierarchy.length;
    const entraObjects = run.entra.users.length + run.entra.groups.length + run.entra.servicePrincipals.length;
    objects = k8sObjects + azureObjects + entraObjects + run.clusters.length;
    const rssAfterCollect = toMiB(process.memoryUsage().rss);
    const compileStarted = performance.now();
    const model = buildAccessModel({ clusters: run.clusters, kubernetes: run.kubernetes, azure: run.azure, entra: run.entra });
    const compileMs = performance.now() - compileStarted;
    detail = {
      units: run.units.length,
      clusters: model.clusters.length,
      objectsBySource: { kubernetes: k8sObjects, azureRbac: azureObjects, entra: entraObjects, aksClusters: run.clusters.length },
      collectMs: Math.round(collectMs),
      compileMs: Math.round(compileMs),
      rssAfterCollectMiB: rssAfterCollect,
      rssAfterCompileMiB: toMiB(process.memoryUsage().rss),
    };
  } else {
    progress(`${size}: streaming sync, one unit at a time per lane, store writes counted`);
    const store = new CountingStore();
    const byProgress: { clustersDone: number; rssMiB: number; heapMiB: number }[] = [];
    const result = await streamingSync({
      tenantId: sim.tenantId,
      credential,
      arm,
      graph,
      store,
      expectedClusters: SCENARIO_SIZES[size].clusters,
      onCluster: (done, total) => {
        const step = Math.max(1, Math.floor(total / 10));
        if (done % step === 0 || done === total) {
          const m = process.memoryUsage();
          byProgress.push({ clustersDone: done, rssMiB: toMiB(m.rss), heapMiB: toMiB(m.heapUsed) });
          progress(`${size}: ${done}/${total} clusters, RSS ${toMiB(m.rss)} MiB`);
        }
      },
    });
    if (result.failedUnits.length > 0) throw new Error(`${result.failedUnits.length} units failed: ${result.failedUnits.join('; ')}`);
    objects = store.documents;
    detail = {
      units: result.units,
      clusters: result.clusters,
      storeWrites: { documents: store.documents, snapshots: store.snapshots, bySource: store.bySource, generations: result.compiledClusters, sent: 0 },
      compiledBindings: result.compiledBindings,
      compiledGrants: result.compiledGrants,
      stageMs: { tenantAndEntra: Math.round(result.stageMs.tenantAndEntra), azureRbacLane: Math.round(result.stageMs.azureRbacLane), clusterLane: Math.round(result.stageMs.clusterLane) },
      compileMs: Math.round(result.compileMs),
      compileBindingsPerSecond: Math.round(result.compiledBindings / (result.compileMs / 1000)),
      rssByProgress: byProgress,
    };
  }

  const wallMs = performance.now() - started;
  const clientCpuMs = cpuMs() - cpuAtStart;
  const server = simulatorShare(await sim.stats());
  const { maxSampledRssMiB } = sampler.stop();
  emitResult({
    phase: 'sync',
    size,
    mode,
    quick,
    objects,
    wallMs: Math.round(wallMs),
    objectsPerSecond: Math.round(objects / (wallMs / 1000)),
    /** Objects per second of this process's CPU time: the indexer's own cost, whatever the simulator's speed. */
    objectsPerClientCpuSecond: Math.round(objects / (clientCpuMs / 1000)),
    clientCpuMs: Math.round(clientCpuMs),
    simulatedServer: { ...server, shareOfCpu: round3(server.cpuMs / (server.cpuMs + clientCpuMs)) },
    peakRssMiB: toMiB(peakRssBytes()),
    maxSampledRssMiB,
    rssAtStartMiB: rssAtStart,
    ...detail,
  });
} finally {
  await sim.close();
}
