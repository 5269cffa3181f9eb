/**
 * Engine phase for one size (`node --expose-gc bench/phases/engine.ts SIZE [--quick]`): compile throughput and
 * the compiled index's memory, question latency in memory (one cluster, and across clusters), and the naive
 * kubectl-who-can baseline against the simulated Kubernetes API on the same questions; last, what a production
 * compile adds per cluster: its findings and access digest, on a sample of clusters.
 */
import type { TokenCredential } from '@azure/identity';
import { generateScenario, SCENARIO_SIZES } from '../../src/sim/scenario/generateScenario.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { buildRbacPolicy, compileRbacIndex, can, rulesFor, whoCan, type CompiledRbacIndex, type WhoCanAnswer } from '../../src/engine/k8s/index.ts';
import { buildAccessModel, clusterKey } from '../../src/engine/access/accessModel.ts';
import { buildEntraIndex } from '../../src/engine/entra/entraIndex.ts';
import { whoCanAcross } from '../../src/engine/access/whoCanAcross.ts';
import { canAcross } from '../../src/engine/access/canAcross.ts';
import { rulesAcross } from '../../src/engine/access/rulesAcross.ts';
import { entraIdentity } from '../../src/engine/access/principalIdentity.ts';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { userKubeconfig } from '../../src/collectors/k8s-rbac/credentials.ts';
import { Prng } from '../../src/sim/scenario/prng.ts';
import { cpuMs, peakRssBytes, settledHeapUsed, toMiB } from '../lib/memory.ts';
import { drawNamespaces, drawPrincipals, drawRequests, drawUsers } from '../lib/questions.ts';
import { round3, timeEach, timeEachAsync, type LatencySummary, type TimedRun } from '../lib/stats.ts';
import { naiveKubectl } from '../lib/naiveKubectl.ts';
import { findingsPerCluster } from '../lib/findingsCost.ts';
import { simulatorShare, startSimProcess } from '../lib/simProcess.ts';
import { enginePlan, SIM_PAGE_SIZE, type Size } from '../lib/plan.ts';
import { emitResult, progress, skipped, type Skipped } from '../lib/phaseIo.ts';

const size = process.argv[2] as Size;
const quick = process.argv.includes('--quick');
if (!(size in SCENARIO_SIZES)) throw new Error(`engine phase: unknown size ${size}`);
const plan = enginePlan(size, quick);
const seed = `bench/${size}`;

/** What a timed run reports: its summary, and whether the budget cut it short. */
function figures(run: TimedRun<unknown>, asked: number): LatencySummary & { asked: number; stoppedByBudget: boolean } {
  return { ...run.summary, asked, stoppedByBudget: run.stoppedByBudget };
}

// --- the tenant ---------------------------------------------------------------------------------------------
progress(`${size}: generating the tenant`);
let t0 = performance.now();
const scenario = generateScenario(SCENARIO_SIZES[size]);
const generateMs = performance.now() - t0;
const principals = scenario.entra.users.length + scenario.entra.groups.length + scenario.entra.servicePrincipals.length;

// --- 1. compile throughput and memory -----------------------------------------------------------------------
progress(`${size}: compiling ${scenario.clusters.length} clusters`);
// Warm-up: the first clusters compile through cold code; throughput is for a running indexer.
for (const cluster of scenario.clusters.slice(0, 3)) compileRbacIndex(buildRbacPolicy(cluster.kubernetes));
let bindings = 0;
let grants = 0;
let policyMs = 0;
let indexMs = 0;
const heapBefore = settledHeapUsed();
const cpuBefore = cpuMs();
let compiled: CompiledRbacIndex[] | undefined = [];
for (const cluster of scenario.clusters) {
  const objects = cluster.kubernetes;
  const a = performance.now();
  const policy = buildRbacPolicy(objects);
  const b = performance.now();
  const index = compileRbacIndex(policy);
  const c = performance.now();
  policyMs += b - a;
  indexMs += c - b;
  bindings += objects.bindings.length;
  grants += index.grantCount;
  compiled.push(index);
}
const compileCpuMs = cpuMs() - cpuBefore;
const heapWithIndexes = settledHeapUsed();
const compiledBytes = heapWithIndexes - heapBefore;
const compileMs = policyMs + indexMs;
const compiledClusters = compiled.length;
compiled = undefined;
/** Cross-check: what releasing the indexes gives back (excludes code and type feedback the first compile allocated). */
const releasedBytes = heapWithIndexes - settledHeapUsed();
const compile = {
  clusters: compiledClusters,
  bindings,
  grants,
  buildRbacPolicyMs: Math.round(policyMs),
  compileRbacIndexMs: Math.round(indexMs),
  totalMs: Math.round(compileMs),
  /** The compile is single-threaded: bindings per second on one core. */
  bindingsPerSecondPerCore: Math.round(bindings / (compileMs / 1000)),
  clustersPerSecond: round3(compiledClusters / (compileMs / 1000)),
  /** CPU time of the process over the compile (the main thread plus GC helper threads), relative to its wall time. */
  cpuPerWall: round3(compileCpuMs / compileMs),
  heapMiB: toMiB(compiledBytes),
  bytesPerBinding: Math.round(compiledBytes / bindings),
  bytesPerGrant: Math.round(compiledBytes / grants),
  bytesPerBindingReleased: Math.round(releasedBytes / bindings),
};
progress(`${size}: ${compile.bindingsPerSecondPerCore} bindings/s, ${compile.bytesPerBinding} B/binding`);

// --- the cluster the single-cluster questions are about, and the questions ----------------------------------
const pick = new Prng(`${seed}/cluster`);
const clusterIndex = pick.int(scenario.clusters.length);
const simCluster = scenario.clusters[clusterIndex];
if (simCluster === undefined) throw new Error('the tenant has no clusters');
const aks = normalizeManagedCluster(simCluster.arm, `cluster ${clusterIndex}`);
const singleIndex = compileRbacIndex(buildRbacPolicy(simCluster.kubernetes));
const teamNamespaces = simCluster.kubernetes.namespaces.map((n) => n.name).filter((n) => !n.startsWith('kube-') && n !== 'default' && !n.startsWith('gatekeeper') && n !== 'calico-system');
const entraIndex = buildEntraIndex(scenario.entra);
const requests = drawRequests(seed, singleIndex.policy, teamNamespaces, plan.k8sQuestions + plan.warmup);
const users = drawUsers(seed, singleIndex.policy, scenario.entra, entraIndex, plan.k8sQuestions + plan.warmup);
const namespaces = drawNamespaces(seed, teamNamespaces, plan.k8sQuestions + plan.warmup);
const askedPairs = requests.map((request, i) => ({ request, user: users[i % users.length] ?? { name: 'nobody', groups: [] } }));

/** Subject keys as the naive evaluator writes them, to check both paths give the same answer. */
const subjectKeys = (answer: WhoCanAnswer): Set<string> =>
  new Set(answer.subjects.map(({ subject: s }) => (s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace ?? ''}/${s.name}` : `${s.kind}:${s.name}`)));

// --- 3. the naive baseline (before the whole-tenant model exists, so its heap does not slow the baseline) -----
progress(`${size}: naive baseline (kubectl-who-can style) over HTTPS, ${plan.naiveQuestions} questions each`);
const sim = await startSimProcess(size, SIM_PAGE_SIZE);
let naive;
try {
  const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 'bench-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const kubeconfig = await userKubeconfig(createAksClustersClients(credential, { endpoint: sim.armUrl, ca: sim.ca }).containerService(aks.subscriptionId), aks.id);
  const kubectl = naiveKubectl(aks.id, kubeconfig, () => Promise.resolve('bench-token'));
  const naiveAsked = askedPairs.slice(plan.warmup, plan.warmup + plan.naiveQuestions);
  for (const q of askedPairs.slice(0, 2)) await kubectl.whoCan(q.request);
  const before = { ...kubectl.counters };
  sim.reset();
  const naiveWho = await timeEachAsync(naiveAsked, (q) => kubectl.whoCan(q.request), plan.naiveBudgetMs, 3);
  const perQuestion = { requests: (kubectl.counters.requests - before.requests) / naiveWho.summary.n, objects: (kubectl.counters.objects - before.objects) / naiveWho.summary.n };
  const naiveCanRun = await timeEachAsync(naiveAsked, (q) => kubectl.can(q.user, q.request), plan.naiveBudgetMs, 3);
  // The same questions through the compiled index: the answers must agree, or the comparison means nothing.
  let whoAgree = 0;
  naiveWho.results.forEach((expected, i) => {
    const q = naiveAsked[i];
    if (q === undefined) return;
    const got = subjectKeys(whoCan(singleIndex, q.request));
    if (got.size === expected.size && [...got].every((k) => expected.has(k))) whoAgree++;
  });
  let canAgree = 0;
  naiveCanRun.results.forEach((expected, i) => {
    const q = naiveAsked[i];
    if (q !== undefined && can(singleIndex, q.user, q.request).allowed === expected) canAgree++;
  });
  naive = {
    method: 'per question: list ClusterRoles, Roles (all namespaces), ClusterRoleBindings, RoleBindings (all namespaces) over HTTPS with @kubernetes/client-node (limit 500 + continue, the four lists in parallel), parse, evaluate with test/reference/naiveAuthorizer.ts',
    whoCan: figures(naiveWho, naiveAsked.length),
    can: figures(naiveCanRun, naiveAsked.length),
    requestsPerQuestion: round3(perQuestion.requests),
    objectsListedPerQuestion: round3(perQuestion.objects),
    answersAgreeWithIndex: { whoCan: `${whoAgree}/${naiveWho.results.length}`, can: `${canAgree}/${naiveCanRun.results.length}` },
    simulatedServer: simulatorShare(await sim.stats()),
  };
} finally {
  await sim.close();
}

// --- 2. latency in memory: the cluster's own index alone (what a process holding one cluster's generation sees) --
/** whoCan / can / rulesFor on one compiled index, after untimed warm-up questions. */
function k8sQuestions(on: CompiledRbacIndex) {
  const measured = <Q>(questions: readonly Q[], answer: (q: Q) => unknown) => {
    timeEach(questions.slice(0, plan.warmup), answer, Number.POSITIVE_INFINITY);
    const timed = questions.slice(plan.warmup);
    return figures(timeEach(timed, answer, Number.POSITIVE_INFINITY), timed.length);
  };
  return {
    whoCan: measured(requests, (r) => whoCan(on, r)),
    can: measured(askedPairs, (q) => can(on, q.user, q.request)),
    rulesFor: measured(
      users.map((user, i) => ({ user, namespace: namespaces[i] ?? '' })),
      (q) => rulesFor(on, q.user, q.namespace),
    ),
  };
}
progress(`${size}: single-cluster questions on the cluster's own index (${plan.k8sQuestions} each)`);
const k8s = k8sQuestions(singleIndex);

// --- whole-tenant model --------------------------------------------------------------------------------------
progress(`${size}: building the whole-tenant AccessModel`);
const clusters = scenario.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${i}`));
let heapAt = settledHeapUsed();
t0 = performance.now();
const model = buildAccessModel({
  clusters,
  kubernetes: new Map(scenario.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])),
  azure: scenario.azure,
  entra: scenario.entra,
});
const accessModel = { buildMs: Math.round(performance.now() - t0), heapMiB: toMiB(settledHeapUsed() - heapAt), note: 'buildAccessModel: every cluster compiled, plus the Azure RBAC and Entra indexes' };
heapAt = 0;
const index = model.kubernetes.get(clusterKey(aks.id));
const cluster = model.clusters.find((c) => c.id === aks.id);
if (index === undefined || cluster === undefined) throw new Error('the chosen cluster is not in the model');

// --- 2. latency in memory -----------------------------------------------------------------------------------
progress(`${size}: single-cluster questions inside the whole-tenant model (${plan.k8sQuestions} each)`);
const k8sInModel = k8sQuestions(index);

progress(`${size}: cross-plane questions in memory (up to ${plan.crossQuestions} each, ${plan.crossBudgetMs / 1000} s budget each)`);
const crossRequests = requests.slice(0, plan.warmup + plan.crossQuestions);
const people = drawPrincipals(seed, scenario.entra, plan.warmup + plan.crossQuestions);
const crossWarm = Math.min(plan.warmup, 20);
const crossMeasured = <Q>(questions: readonly Q[], answer: (q: Q) => unknown) => {
  timeEach(questions.slice(0, crossWarm), answer, plan.crossBudgetMs / 4);
  const timed = questions.slice(plan.warmup);
  return figures(timeEach(timed, answer, plan.crossBudgetMs, 3), timed.length);
};
const whoCanAcrossOneCluster = crossMeasured(crossRequests, (r) => whoCanAcross(model, r, [cluster]));
// Across every cluster: only when a question fits the budget (estimated from the one-cluster latency). The estimate
// is far too low at L (the phase spent over ten minutes on the 1,000-cluster questions — at least four are asked —
// when one-cluster × 1,000 said 8–16 s each: the answer's subjects pile up across clusters), so it must stay within
// a quarter of the budget.
const estimateAllMs = whoCanAcrossOneCluster.p50Ms * model.clusters.length;
const allClustersLimitMs = plan.crossBudgetMs / 4;
const whoCanAcrossAllClusters: ReturnType<typeof crossMeasured> | (Skipped & { estimatedMsPerQuestion: number }) =
  estimateAllMs > allClustersLimitMs
    ? {
        ...skipped(
          `one question would take about ${Math.round(estimateAllMs / 1000)} s (one-cluster p50 ${whoCanAcrossOneCluster.p50Ms} ms × ${model.clusters.length} clusters), over the ${allClustersLimitMs / 1000} s allowed (the estimate is a lower bound)`,
        ),
        estimatedMsPerQuestion: Math.round(estimateAllMs),
      }
    : crossMeasured(crossRequests, (r) => whoCanAcross(model, r, model.clusters));
const crossPairs = crossRequests.map((request, i) => ({ request, principal: people[i % people.length] ?? people[0] }));
const canAcrossOneCluster = crossMeasured(crossPairs, (q) => (q.principal === undefined ? undefined : canAcross(model, entraIdentity(model.entra, q.principal), q.request, cluster)));
const canAcrossAllClusters = crossMeasured(crossPairs, (q) => {
  if (q.principal === undefined) return undefined;
  const identity = entraIdentity(model.entra, q.principal);
  return model.clusters.map((c) => canAcross(model, identity, q.request, c).allowed);
});
const rulesAcrossOneCluster = crossMeasured(
  people.map((p, i) => ({ p, namespace: namespaces[i] ?? '' })),
  (q) => rulesAcross(model, entraIdentity(model.entra, q.p), cluster, q.namespace),
);

// --- 4. findings per cluster: what a production compile adds to slicing (compileCluster) ---------------------
progress(`${size}: findings and access digest on ${plan.findingsSample} sampled clusters${plan.findingsWithoutMemo ? ', then the findings again without the memo' : ''}`);
const findings = findingsPerCluster(scenario, seed, plan.findingsSample, plan.findingsWithoutMemo);
progress(`${size}: findings p50 ${findings.findingsMs.p50Ms} ms (max ${findings.findingsMs.maxMs}), digest p50 ${findings.digestMs.p50Ms} ms`);

const ratio = (a: number, b: number) => round3(a / b);
emitResult({
  phase: 'engine',
  size,
  quick,
  scenario: {
    clusters: scenario.clusters.length,
    bindings,
    bindingsPerCluster: Math.round(bindings / scenario.clusters.length),
    principals,
    roleAssignments: scenario.azure.roleAssignments.length,
    generateMs: Math.round(generateMs),
  },
  compile,
  accessModel,
  latency: {
    cluster: { name: aks.name, bindings: simCluster.kubernetes.bindings.length, grants: index.grantCount, azureRbac: aks.azureRbac, entraIntegration: aks.entraIntegration },
    /** On the cluster's own compiled index, nothing else in the heap but the generated tenant. */
    k8s,
    /** The same questions inside the whole-tenant AccessModel (its heap: every cluster's index, Azure, Entra). */
    k8sInModel,
    crossPlane: { whoCanAcrossOneCluster, whoCanAcrossAllClusters, canAcrossOneCluster, canAcrossAllClusters, rulesAcrossOneCluster },
  },
  naive: {
    ...naive,
    ratio: {
      whoCanP50: ratio(naive.whoCan.p50Ms, k8s.whoCan.p50Ms),
      whoCanP99: ratio(naive.whoCan.p99Ms, k8s.whoCan.p99Ms),
      canP50: ratio(naive.can.p50Ms, k8s.can.p50Ms),
      canP99: ratio(naive.can.p99Ms, k8s.can.p99Ms),
      whoCanP50VsCrossPlane: ratio(naive.whoCan.p50Ms, whoCanAcrossOneCluster.p50Ms),
    },
  },
  findings,
  peakRssMiB: toMiB(peakRssBytes()),
  heapUsedMiB: toMiB(process.memoryUsage().heapUsed),
});
