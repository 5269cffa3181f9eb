import type { LatencySummary } from './stats.ts';
import type { Skipped } from './phaseIo.ts';

/** How one phase ended: its result, or why it has none. */
export type PhaseOutcome = (
  | { readonly name: string; readonly ok: true; readonly seconds: number; readonly result: Record<string, unknown> }
  | { readonly name: string; readonly ok: false; readonly seconds: number; readonly error: string }
) & {
  /** When the phase started (a merged results file holds phases of several runs). */
  readonly date?: string;
  /** 1-minute load average before and after the phase: other work on the machine shows here (2 cores: 2 is full). */
  readonly loadAverage?: { readonly before: number; readonly after: number };
};

export interface BenchResults {
  readonly benchmark: string;
  readonly mode: 'full' | 'quick';
  readonly command: string;
  readonly date: string;
  readonly totalSeconds: number;
  /** Later runs (`--only … --merge`) whose phases replaced or joined this run's. */
  readonly merged?: readonly { readonly command: string; readonly date: string; readonly seconds: number; readonly phases: readonly string[] }[];
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly platform: string };
  readonly phases: readonly PhaseOutcome[];
  readonly method: readonly string[];
  /** What this run does not measure, and why. */
  readonly notMeasured: readonly string[];
}

type Latency = LatencySummary & { readonly asked: number; readonly stoppedByBudget: boolean };

/** The fields of an engine phase's result the report reads (bench/phases/engine.ts writes them). */
interface EngineResult {
  readonly phase: 'engine';
  readonly size: string;
  readonly scenario: { readonly clusters: number; readonly bindings: number; readonly bindingsPerCluster: number; readonly principals: number; readonly roleAssignments: number };
  readonly compile: { readonly totalMs: number; readonly bindingsPerSecondPerCore: number; readonly heapMiB: number; readonly bytesPerBinding: number; readonly grants: number };
  readonly accessModel: { readonly buildMs: number; readonly heapMiB: number };
  readonly latency: {
    readonly cluster: { readonly name: string; readonly bindings: number };
    readonly k8s: Readonly<Record<'whoCan' | 'can' | 'rulesFor', Latency>>;
    readonly k8sInModel: Readonly<Record<'whoCan' | 'can' | 'rulesFor', Latency>>;
    readonly crossPlane: Readonly<Record<'whoCanAcrossOneCluster' | 'whoCanAcrossAllClusters' | 'canAcrossOneCluster' | 'canAcrossAllClusters' | 'rulesAcrossOneCluster', Latency | (Skipped & { estimatedMsPerQuestion?: number })>>;
  };
  readonly naive: {
    readonly whoCan: Latency;
    readonly can: Latency;
    readonly objectsListedPerQuestion: number;
    readonly requestsPerQuestion: number;
    readonly answersAgreeWithIndex: { readonly whoCan: string; readonly can: string };
    readonly ratio: { readonly whoCanP50: number; readonly whoCanP99: number; readonly canP50: number; readonly canP99: number; readonly whoCanP50VsCrossPlane: number };
  };
  /** Absent in results recorded before findings were timed. */
  readonly findings?: FindingsCost;
  readonly peakRssMiB: number;
}

type P50Max = { readonly p50Ms: number; readonly maxMs: number };
/** bench/lib/findingsCost.ts findingsPerCluster. */
interface FindingsCost {
  readonly sampleSize: number;
  readonly clusters: number;
  readonly sliceMs: P50Max;
  readonly findingsMs: P50Max;
  readonly digestMs: P50Max;
  readonly findingsWithoutMemoMs?: P50Max;
  readonly sameWithoutMemo?: string;
  readonly findings: { readonly p50: number; readonly max: number };
  readonly tenantEstimate: {
    readonly findingsSecondsPerCore: number;
    readonly digestSecondsPerCore: number;
    readonly findingsSecondsPerCoreByMean?: number;
    readonly digestSecondsPerCoreByMean?: number;
  };
}

/** The fields of a sync phase's result the report reads (bench/phases/sync.ts). */
interface SyncResult {
  readonly phase: 'sync';
  readonly size: string;
  readonly mode: 'whole' | 'streaming';
  readonly objects: number;
  readonly clusters: number;
  readonly wallMs: number;
  readonly objectsPerSecond: number;
  readonly objectsPerClientCpuSecond: number;
  readonly clientCpuMs: number;
  readonly compileMs: number;
  readonly simulatedServer: { readonly cpuMs: number; readonly shareOfCpu: number; readonly routerMs: Readonly<Record<string, number>> };
  readonly peakRssMiB: number;
  readonly rssAtStartMiB: number;
  readonly rssByProgress?: readonly { readonly clustersDone: number; readonly rssMiB: number }[];
  readonly compileBindingsPerSecond?: number;
}

/** The fields of a store phase's result the report reads (bench/phases/store.ts). */
type StoreLatency = Latency & { readonly serverShare: number };
interface RoundTrips {
  readonly requests: number;
  readonly crossPartition: number;
  readonly singlePartition: number;
  /** Absent in results recorded before point reads were counted apart. */
  readonly pointReads?: number;
  readonly queryPlans: number;
  readonly serverMs: number;
  readonly requestsList: readonly string[];
}
interface StoreResult {
  readonly phase: 'store';
  readonly size: string;
  readonly pipeline: {
    readonly units: number;
    readonly clustersCompiled: number;
    readonly objectsWritten: number;
    readonly wallMs: number;
    readonly documentsPerSecond: number;
    readonly collectAndWriteMs: number;
    readonly compileStageMs: number;
    readonly tenantReadMs?: number;
    readonly clientCpuMs: number;
    readonly peakRssMiB: number;
    readonly rssAtStartMiB: number;
    readonly cosmosServer: { readonly cpuMs: number; readonly shareOfCpu: number; readonly requests: number; readonly busyMs: number; readonly busyShareOfWall: number };
    readonly simulatedServer: { readonly cpuMs: number; readonly shareOfCpu: number };
  };
  readonly questions: {
    readonly cluster: { readonly name: string; readonly clusters: number; readonly askedBy?: string; readonly cacheTtlMs?: number };
    readonly latency: Readonly<Record<'whoCanCold' | 'canCold' | 'whoCanWarm' | 'canWarm', StoreLatency>> & Partial<Readonly<Record<'whoCanAfterTtl' | 'canAfterTtl', StoreLatency>>>;
    readonly roundTrips: Readonly<Record<'whoCanCold' | 'whoCanWarm' | 'canCold' | 'canWarm', RoundTrips>> & Partial<Readonly<Record<'whoCanAfterTtl' | 'canAfterTtl', RoundTrips>>>;
  };
}

const TARGETS = {
  whoCanP50Ms: 1,
  naiveRatio: 100,
  bindingsPerSecond: 200_000,
  syncPeakRssMiB: 1024,
};

/** How the figures are taken (also in latest.json), so a reader can re-measure them independently. */
export const METHOD: readonly string[] = [
  'Tenants: `generateScenario(SCENARIO_SIZES[size])` (seeded, deterministic); every phase runs in its own Node process with `--expose-gc`, so its peak RSS and heap are its own.',
  'Compile: `buildRbacPolicy` + `compileRbacIndex` per cluster on one thread after a 3-cluster warm-up, every index kept; bytes/binding = heap after full GC with all indexes − before, ÷ bindings (the heap released when they are dropped agrees).',
  'Questions: drawn with a seeded PRNG from the chosen cluster\'s own RBAC (4 in 5 from a random binding\'s rule, in its namespace; 1 in 5 from a fixed vocabulary, mostly misses); identities are half subjects of bindings, half random Entra users/applications with their transitive groups. Each latency is one call timed with `performance.now()` after untimed warm-up questions; p99 of fewer than 100 samples is the maximum.',
  'Single-cluster Kubernetes questions are timed twice: on the cluster\'s own compiled index (the naive baseline runs in the same conditions, before the whole-tenant model exists, and the ratios use these figures) and inside the whole-tenant `AccessModel` (at L a ~3 GB heap, whose garbage-collection pauses show in the p99).',
  'Cross-plane measurements stop at a time budget and report how many questions were timed ("n of asked"); `whoCanAcross` over every cluster is skipped when one question is estimated (one-cluster p50 × clusters) to exceed twice the budget.',
  'Naive baseline: per question, list every ClusterRole, Role, ClusterRoleBinding and RoleBinding of the cluster from the simulated Kubernetes API over HTTPS with `@kubernetes/client-node` (typed responses, `limit` 500 + `continue`, the four lists in parallel, one client reused), parse, then `naiveWhoCan` / `naiveCan` (test/reference/naiveAuthorizer.ts). Its answers are checked equal to the index\'s. The API server is on loopback in another process: no network latency, so the ratio is a lower bound for a real cluster.',
  'Simulated tenant: served by a child process (bench/sim/simServer.ts) from the same seed; its CPU time and the time inside each router are reported apart from ours ("simulator CPU (share)" = its CPU ÷ (its + ours)). Lists are served 1,000 per page (Kubernetes: the collector\'s chunks of 500). The benchmark wraps its routers without changing a byte of what they serve: ARM lists are computed once per query and then paged (the simulator re-filters every assignment for every page: 45 s per L subscription otherwise), and only the 8 most recently asked clusters\' Kubernetes APIs are kept (the simulator keeps every cluster\'s served JSON: ~10 MB each).',
  'Store: the whole pipeline — the simulated tenant (its own process) → `runSync` with the real collectors (`unitCollectors` over the SDK clients, 4 units in flight) → `CosmosIndexStore` on the embedded Cosmos DB server (@vercel/cosmosdb-server via `startEmbeddedCosmos`, in its own process: bench/sim/cosmosServer.ts) → every cluster compiled into a stored generation. "Documents" is `runSync`\'s `objectsWritten`. The server\'s share is measured two ways: its process\'s CPU time ÷ (ours + its + the simulator\'s), and the wall time with at least one request in flight at it (each request timed by the `onRequest` hook from the server\'s `request` event to the response\'s `finish`) ÷ the run\'s wall time. The embedded server keeps documents in memory and scans a container for every query (no index): its speed is not a real account\'s, and loopback has no network latency.',
  'Store questions: `AccessQueries.whoCan` (one cluster) and `can` (an Entra principal of the cluster\'s slice), the cluster named by ARM id, questions drawn as above from one cluster\'s stored generation. Cold = a fresh `AccessQueries` per question (nothing cached: the pointer, the generation\'s chunks and the feeding units\' statuses are read and the model built), `whoCan` on each stored cluster in turn, `can` on the drawn cluster (its askers are principals of its slice); warm = one `AccessQueries` whose model of the cluster is cached, after 10 untimed questions, its cache clock kept still (within the TTL); warm after the TTL = the same with the clock moved past the TTL before each question (the pointer and statuses are read again, the model is not). Round trips: every request the server receives during one question, recorded by the hook and classified by the Cosmos headers the SDK sets (`x-ms-documentdb-partitionkey` present = one partition; a query without it = cross-partition; query-plan requests counted apart).',
  'Findings per cluster (engine phase): clusters drawn with a seeded PRNG (10 at S and M, 4 at L, 3 in a quick run), one more untimed first (S has 10: all of them, the first also run untimed before); per cluster, as `compileCluster` does it: `sliceForCluster`, `clusterFindingsFromTenant` (cluster-identity, risky-access and escalation findings on the slice widened by its identities\' grants, one whoCanAcross memo per compile), and the digest `recordAccessChanges` computes (`buildAccessModel` of the slice + `accessDigest` with the stored risky findings), each timed with `performance.now()`; at S and M the findings again with `{ memo: false }` and checked JSON-equal. Whole tenant = clusters × p50, and clusters × mean, on one core.',
  'Sync whole: `collectTenant` (4 units in flight) then `buildAccessModel`. Sync streaming: the tenant and Entra units, then two lanes each one unit at a time — the subscriptions\' Azure RBAC units, and per subscription its AKS unit then each cluster (collected, compiled, dropped); every snapshot is handed to a store that counts one document per object and sends nothing. Peak RSS is the kernel\'s `maxRSS` of the phase process (the RSS at start, the loaded SDKs and TypeScript, is shown beside it).',
];

const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : String(x));
const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const isSkipped = (x: Latency | Skipped): x is Skipped => 'skipped' in x;

function cell(x: Latency | Skipped | undefined): string {
  if (x === undefined) return '—';
  if (isSkipped(x)) return 'not measured¹';
  const n = x.stoppedByBudget ? `${x.n} of ${x.asked}` : `${x.n}`;
  return `${fmt(x.p50Ms)} / ${fmt(x.p99Ms)} (n=${n})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const met = (ok: boolean): string => (ok ? 'met' : '**missed**');

/** The Markdown page of a run: machine, then one table per question of the issue, targets, and what is not measured. */
export function renderMarkdown(results: BenchResults): string {
  const ok = results.phases.filter((p): p is Extract<PhaseOutcome, { ok: true }> => p.ok);
  const engines = ok.map((p) => p.result).filter((r) => r.phase === 'engine') as unknown as EngineResult[];
  const syncs = ok.map((p) => p.result).filter((r) => r.phase === 'sync') as unknown as SyncResult[];
  const stores = ok.map((p) => p.result).filter((r) => r.phase === 'store') as unknown as StoreResult[];
  const m = results.machine;
  const out: string[] = [];
  out.push(`# aks-access benchmarks (${results.mode} run)`);
  out.push('');
  out.push(`${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${results.date}; \`${results.command}\` took ${results.totalSeconds} s.`);
  for (const m2 of results.merged ?? []) out.push('', `Phases ${m2.phases.join(', ')}: measured later by \`${m2.command}\` on ${m2.date} (${m2.seconds} s); the rest of the page is the run above.`);
  const loads = results.phases.map((p) => (p.loadAverage === undefined ? undefined : `${p.name} ${p.seconds} s (load ${p.loadAverage.before} → ${p.loadAverage.after})`)).filter((x) => x !== undefined);
  if (loads.length > 0) out.push('', `Phases, each in its own process (1-minute load average before → after; ${m.cores} cores): ${loads.join(', ')}.`);
  out.push('');

  out.push('## Compile (buildRbacPolicy + compileRbacIndex, every cluster, one thread)');
  out.push('');
  out.push(
    table(
      ['size', 'clusters', 'bindings (per cluster)', 'principals', 'role assignments', 'compile', 'bindings/s per core', 'index heap', 'bytes/binding', 'AccessModel build'],
      engines.map((e) => [
        e.size,
        fmt(e.scenario.clusters),
        `${fmt(e.scenario.bindings)} (${fmt(e.scenario.bindingsPerCluster)})`,
        fmt(e.scenario.principals),
        fmt(e.scenario.roleAssignments),
        `${seconds(e.compile.totalMs)} s`,
        fmt(e.compile.bindingsPerSecondPerCore),
        `${fmt(e.compile.heapMiB)} MiB`,
        fmt(e.compile.bytesPerBinding),
        `${seconds(e.accessModel.buildMs)} s, ${fmt(e.accessModel.heapMiB)} MiB`,
      ]),
    ),
  );
  out.push('');

  const withFindings = engines.filter((e): e is EngineResult & { findings: FindingsCost } => e.findings !== undefined);
  if (withFindings.length > 0) {
    out.push('## Findings per cluster: what a production compile adds to slicing (findings + access digest)');
    out.push('');
    out.push(
      table(
        ['size', 'clusters timed', 'slice p50 / max', 'findings p50 / max', 'findings without the memo p50 / max (same answers)', 'digest p50 / max', 'findings (count) p50 / max', 'whole tenant, one core: findings + digest'],
        withFindings.map(({ size, findings: f }) => [
          size,
          `${f.sampleSize} of ${fmt(f.clusters)}`,
          `${fmt(f.sliceMs.p50Ms)} / ${fmt(f.sliceMs.maxMs)} ms`,
          `**${fmt(f.findingsMs.p50Ms)} / ${fmt(f.findingsMs.maxMs)} ms**`,
          f.findingsWithoutMemoMs === undefined ? 'not timed at this size' : `${fmt(f.findingsWithoutMemoMs.p50Ms)} / ${fmt(f.findingsWithoutMemoMs.maxMs)} ms (${f.sameWithoutMemo ?? '?'})`,
          `${fmt(f.digestMs.p50Ms)} / ${fmt(f.digestMs.maxMs)} ms`,
          `${fmt(f.findings.p50)} / ${fmt(f.findings.max)}`,
          `${fmt(f.tenantEstimate.findingsSecondsPerCore)} s + ${fmt(f.tenantEstimate.digestSecondsPerCore)} s (clusters × p50)${
            f.tenantEstimate.findingsSecondsPerCoreByMean === undefined ? '' : `; ${fmt(f.tenantEstimate.findingsSecondsPerCoreByMean)} s + ${fmt(f.tenantEstimate.digestSecondsPerCoreByMean ?? Number.NaN)} s (clusters × mean)`
          }`,
        ]),
      ),
    );
    out.push(
      '',
      'Clusters with Azure RBAC for Kubernetes are the max: every Kubernetes question there also lists the Azure holders of its data action, thousands at M and L. They are a share of the tenant, not outliers, so clusters × mean is the better whole-tenant figure; clusters × p50 is the cost without them.',
      '',
    );
  }

  out.push('## Latency in memory, ms: p50 / p99 (questions timed)');
  out.push('');
  const rows: [string, (e: EngineResult) => Latency | Skipped][] = [
    ['`whoCan` — one cluster, Kubernetes RBAC (its index alone)', (e) => e.latency.k8s.whoCan],
    ['`can` — one cluster, Kubernetes RBAC (its index alone)', (e) => e.latency.k8s.can],
    ['`rulesFor` — one cluster, Kubernetes RBAC (its index alone)', (e) => e.latency.k8s.rulesFor],
    ['`whoCan` — the same, inside the whole-tenant model', (e) => e.latency.k8sInModel.whoCan],
    ['`can` — the same, inside the whole-tenant model', (e) => e.latency.k8sInModel.can],
    ['`rulesFor` — the same, inside the whole-tenant model', (e) => e.latency.k8sInModel.rulesFor],
    ['`whoCanAcross` — one cluster, all planes', (e) => e.latency.crossPlane.whoCanAcrossOneCluster],
    ['`whoCanAcross` — every cluster', (e) => e.latency.crossPlane.whoCanAcrossAllClusters],
    ['`canAcross` — one cluster', (e) => e.latency.crossPlane.canAcrossOneCluster],
    ['`canAcross` — every cluster', (e) => e.latency.crossPlane.canAcrossAllClusters],
    ['`rulesAcross` — one cluster', (e) => e.latency.crossPlane.rulesAcrossOneCluster],
  ];
  out.push(table(['question', ...engines.map((e) => `${e.size} (${e.latency.cluster.name}, ${fmt(e.latency.cluster.bindings)} bindings)`)], rows.map(([label, get]) => [label, ...engines.map((e) => cell(get(e)))])));
  const skippedNotes = engines.flatMap((e) => Object.values(e.latency.crossPlane).filter(isSkipped).map((s) => `${e.size}: ${s.reason}`));
  if (skippedNotes.length > 0) out.push('', `¹ ${skippedNotes.join('; ')}.`);
  out.push('');

  out.push('## Naive baseline: the same single-cluster questions, kubectl-who-can style (list all RBAC over HTTPS per question)');
  out.push('');
  out.push(
    table(
      ['size', 'objects listed / question', 'naive `whoCan` p50 / p99', 'indexed `whoCan` p50 / p99', 'ratio p50 (p99)', 'naive `can` p50 / p99', 'indexed `can` p50 / p99', 'ratio p50 (p99)', 'answers agree'],
      engines.map((e) => [
        e.size,
        `${fmt(e.naive.objectsListedPerQuestion)} (${e.naive.requestsPerQuestion} requests)`,
        cell(e.naive.whoCan),
        cell(e.latency.k8s.whoCan),
        `**${fmt(e.naive.ratio.whoCanP50)}×** (${fmt(e.naive.ratio.whoCanP99)}×)`,
        cell(e.naive.can),
        cell(e.latency.k8s.can),
        `**${fmt(e.naive.ratio.canP50)}×** (${fmt(e.naive.ratio.canP99)}×)`,
        `${e.naive.answersAgreeWithIndex.whoCan}, ${e.naive.answersAgreeWithIndex.can}`,
      ]),
    ),
  );
  out.push('');
  const crossRatios = engines.map((e) => `${e.size} ${fmt(e.naive.ratio.whoCanP50VsCrossPlane)}×`).join(', ');
  if (crossRatios !== '') {
    out.push(`The naive path answers from Kubernetes RBAC only; against the cross-plane \`whoCanAcross\` (one cluster, every plane) its p50 ratio is ${crossRatios} (below 1×: the naive Kubernetes-only answer is the faster one).`, '');
  }

  out.push('## Sync: collectors against the simulated tenant (its own process), then compile');
  out.push('');
  out.push(
    table(
      ['run', 'clusters', 'objects', 'wall', 'objects/s', 'objects per CPU-second of ours', 'our CPU', 'simulator CPU (share)', 'compile', 'peak RSS (at start)'],
      syncs.map((s) => [
        `${s.size} ${s.mode === 'whole' ? 'whole (collectTenant + buildAccessModel)' : 'streaming (unit by unit, writes counted)'}`,
        fmt(s.clusters),
        fmt(s.objects),
        `${seconds(s.wallMs)} s`,
        fmt(s.objectsPerSecond),
        fmt(s.objectsPerClientCpuSecond),
        `${seconds(s.clientCpuMs)} s`,
        `${seconds(s.simulatedServer.cpuMs)} s (${Math.round(s.simulatedServer.shareOfCpu * 100)} %)`,
        `${seconds(s.compileMs)} s`,
        `${fmt(s.peakRssMiB)} MiB (${fmt(s.rssAtStartMiB)})`,
      ]),
    ),
  );
  const syncFindings = syncs
    .filter((s) => s.mode === 'streaming')
    .map((s) => ({ s, f: engines.find((e) => e.size === s.size)?.findings }))
    .filter((x): x is { s: SyncResult; f: FindingsCost } => x.f !== undefined);
  if (syncs.some((s) => s.mode === 'streaming')) {
    out.push(
      '',
      `The streaming sync compiles each cluster's Kubernetes RBAC index only; a production compile (compileCluster) also computes its findings and access digest${syncFindings.length === 0 ? ' (not timed in this run)' : `: ${syncFindings.map(({ s, f }) => `at ${s.size} ${fmt(f.findingsMs.p50Ms)} ms + ${fmt(f.digestMs.p50Ms)} ms per cluster p50 (max ${fmt(f.findingsMs.maxMs)} + ${fmt(f.digestMs.maxMs)} ms), about ${fmt(f.tenantEstimate.findingsSecondsPerCore + f.tenantEstimate.digestSecondsPerCore)} s of one core for the tenant by p50${
              f.tenantEstimate.findingsSecondsPerCoreByMean === undefined ? '' : `, ${fmt(f.tenantEstimate.findingsSecondsPerCoreByMean + (f.tenantEstimate.digestSecondsPerCoreByMean ?? 0))} s by mean`
            }`).join('; ')} (engine phase, "Findings per cluster")`}.`,
    );
  }
  for (const s of syncs) {
    if (s.rssByProgress === undefined || s.rssByProgress.length === 0) continue;
    out.push('', `RSS during ${s.size} ${s.mode} (clusters done → MiB): ${s.rssByProgress.map((p) => `${fmt(p.clustersDone)} → ${fmt(p.rssMiB)}`).join(', ')}.`);
  }
  out.push('');

  for (const st of stores) out.push(...storeSection(st));

  const large = engines.find((e) => e.size === 'L') ?? engines.at(-1);
  const largeSync = syncs.find((s) => s.size === 'L' && s.mode === 'streaming') ?? syncs.find((s) => s.mode === 'streaming');
  if (large !== undefined) {
    out.push(`## Targets (issue 9), measured on ${large.size}${large.size === 'L' ? '' : ' (L not in this run)'}`);
    out.push('');
    const who = large.latency.k8s.whoCan;
    const cross = large.latency.crossPlane.whoCanAcrossOneCluster;
    const targetRows: string[][] = [
      [
        'single-cluster `whoCan` ≤ 1 ms p50 in memory (Kubernetes RBAC index)',
        `${fmt(who.p50Ms)} ms (its index alone); ${fmt(large.latency.k8sInModel.whoCan.p50Ms)} ms (inside the whole-tenant model)`,
        met(Math.max(who.p50Ms, large.latency.k8sInModel.whoCan.p50Ms) <= TARGETS.whoCanP50Ms),
      ],
      ['single-cluster `whoCanAcross` ≤ 1 ms p50 in memory (all planes)', isSkipped(cross) ? 'not measured' : `${fmt(cross.p50Ms)} ms`, isSkipped(cross) ? '—' : met(cross.p50Ms <= TARGETS.whoCanP50Ms)],
      ['≥ 100× faster than the naive baseline (`whoCan` p50)', `${fmt(large.naive.ratio.whoCanP50)}×`, met(large.naive.ratio.whoCanP50 >= TARGETS.naiveRatio)],
      ['compile ≥ 200,000 bindings/s on one core', fmt(large.compile.bindingsPerSecondPerCore), met(large.compile.bindingsPerSecondPerCore >= TARGETS.bindingsPerSecond)],
    ];
    const streamingCompile = largeSync?.compileBindingsPerSecond;
    if (streamingCompile !== undefined) {
      const best = Math.max(streamingCompile, large.compile.bindingsPerSecondPerCore);
      targetRows[3] = [
        'compile ≥ 200,000 bindings/s on one core',
        `${fmt(large.compile.bindingsPerSecondPerCore)} (every index kept in memory); ${fmt(streamingCompile)} (one cluster at a time, ${largeSync?.size ?? ''} streaming sync)`,
        met(best >= TARGETS.bindingsPerSecond),
      ];
    }
    if (largeSync !== undefined) targetRows.push([`peak RSS of the ${largeSync.size} sync (collectors + compile) < 1 GiB`, `${fmt(largeSync.peakRssMiB)} MiB`, met(largeSync.peakRssMiB < TARGETS.syncPeakRssMiB)]);
    out.push(table(['target', 'measured', ''], targetRows));
    out.push('');
  }

  out.push('## Method');
  out.push('');
  for (const line of METHOD) out.push(`- ${line}`);
  out.push('');

  out.push('## Not measured yet');
  out.push('');
  for (const line of results.notMeasured) out.push(`- ${line}`);
  const failed = results.phases.filter((p) => !p.ok);
  for (const f of failed) out.push(`- phase "${f.name}" failed: ${f.error.split('\n').slice(-3).join(' ')}`);
  out.push('');
  return `${out.join('\n')}\n`;
}

const share = (x: number): string => `${Math.round(x * 100)} %`;

function roundTripCell(r: RoundTrips): string {
  const reads = r.pointReads === undefined ? '' : ` (${r.pointReads} point reads)`;
  return `${r.requests}: ${r.crossPartition} cross-partition, ${r.singlePartition} one-partition${reads}, ${r.queryPlans} query plans`;
}

/** The store phase: the pipeline through the embedded Cosmos server, then questions through AccessQueries. */
function storeSection(st: StoreResult): string[] {
  const p = st.pipeline;
  const q = st.questions;
  const out: string[] = [];
  out.push(`## Store: the whole ${st.size} pipeline through the embedded Cosmos DB server (its own process), then questions through the store`);
  out.push('');
  out.push(
    table(
      ['run', 'units', 'clusters compiled', 'documents written', 'wall (collect + write / compile stage)', 'documents/s', 'our CPU', 'Cosmos server CPU (share)', 'Cosmos busy (share of wall)', 'Cosmos requests', 'simulator CPU (share)', 'peak RSS (at start)'],
      [
        [
          `${st.size}: runSync → CosmosIndexStore → compile`,
          fmt(p.units),
          fmt(p.clustersCompiled),
          fmt(p.objectsWritten),
          `${seconds(p.wallMs)} s (${seconds(p.collectAndWriteMs)} / ${seconds(p.compileStageMs)} s)`,
          fmt(p.documentsPerSecond),
          `${seconds(p.clientCpuMs)} s`,
          `${seconds(p.cosmosServer.cpuMs)} s (${share(p.cosmosServer.shareOfCpu)})`,
          `${seconds(p.cosmosServer.busyMs)} s (${share(p.cosmosServer.busyShareOfWall)})`,
          fmt(p.cosmosServer.requests),
          `${seconds(p.simulatedServer.cpuMs)} s (${share(p.simulatedServer.shareOfCpu)})`,
          `${fmt(p.peakRssMiB)} MiB (${fmt(p.rssAtStartMiB)})`,
        ],
      ],
    ),
  );
  out.push('');
  const l = q.latency;
  const rt = q.roundTrips;
  const by = q.cluster.askedBy === undefined ? '' : ` (asked by ${q.cluster.askedBy})`;
  if (p.tenantReadMs !== undefined) {
    out.push(`Compile stage: ${seconds(p.tenantReadMs)} s from the last unit to the first compiled cluster (the run's one read of Azure RBAC and Entra from the store — the Kubernetes objects are the snapshots the run holds — plus that cluster's compile), then ${seconds(p.compileStageMs - p.tenantReadMs)} s for the rest.`);
    out.push('');
  }
  out.push(`Questions through \`AccessQueries\` on ${q.cluster.name}${by} (cold \`whoCan\`: one question per cluster of ${fmt(q.cluster.clusters)} in turn; cold \`can\`: on this cluster, a fresh \`AccessQueries\` each), ms:`);
  out.push('');
  const ttl = q.cluster.cacheTtlMs === undefined ? 'the cache TTL' : `the ${seconds(q.cluster.cacheTtlMs)} s cache TTL`;
  const rows: string[][] = [
    ['`whoCan`, one cluster, cold (pointer, chunks and statuses read, model built)', cell(l.whoCanCold), share(l.whoCanCold.serverShare), roundTripCell(rt.whoCanCold)],
    [`\`whoCan\`, one cluster, warm (within ${ttl})`, cell(l.whoCanWarm), share(l.whoCanWarm.serverShare), roundTripCell(rt.whoCanWarm)],
  ];
  if (l.whoCanAfterTtl !== undefined && rt.whoCanAfterTtl !== undefined) rows.push([`\`whoCan\`, one cluster, warm after ${ttl} (model cached)`, cell(l.whoCanAfterTtl), share(l.whoCanAfterTtl.serverShare), roundTripCell(rt.whoCanAfterTtl)]);
  rows.push(['`can`, one cluster, cold', cell(l.canCold), share(l.canCold.serverShare), roundTripCell(rt.canCold)]);
  rows.push([`\`can\`, one cluster, warm (within ${ttl})`, cell(l.canWarm), share(l.canWarm.serverShare), roundTripCell(rt.canWarm)]);
  if (l.canAfterTtl !== undefined && rt.canAfterTtl !== undefined) rows.push([`\`can\`, one cluster, warm after ${ttl}`, cell(l.canAfterTtl), share(l.canAfterTtl.serverShare), roundTripCell(rt.canAfterTtl)]);
  out.push(table(['question', 'p50 / p99 (n)', 'Cosmos busy share of the time', 'Cosmos requests per question'], rows));
  out.push('');
  const list = (r: RoundTrips) => (r.requestsList.length === 0 ? 'none' : r.requestsList.join('; '));
  out.push(`Requests of a cold single-cluster \`whoCan\`, in order: ${list(rt.whoCanCold)}. Warm: ${list(rt.whoCanWarm)}.${rt.whoCanAfterTtl === undefined ? '' : ` After the TTL: ${list(rt.whoCanAfterTtl)}.`}`);
  out.push('');
  if (rt.whoCanCold.crossPartition === 0 && rt.whoCanWarm.crossPartition === 0) {
    out.push(
      'A single-cluster question is one partition per container: the cluster\'s pointer and its generation\'s chunks are point reads in the cluster\'s partition of `clusters`, and its freshness is 5 point reads in `status` (its own k8s-rbac unit, its subscription\'s azure-rbac and aks-clusters units, the tenant\'s azure-rbac and entra units); no query, so no query plan. Pointer and statuses are reused for the TTL, the model for as long as the pointer names its generation. A cluster named by name costs one list of pointers and statuses (cross-partition) the first time; the name is then remembered.',
    );
  } else {
    out.push('A single-cluster question still fans out (cross-partition requests above): see AccessQueries.select.');
  }
  out.push('');
  return out;
}
