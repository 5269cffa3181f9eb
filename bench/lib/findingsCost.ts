/**
 * What a production compile (src/sync/compileCluster.ts) spends on a cluster besides slicing: its findings
 * (clusterFindingsFromTenant: cluster-identity, risky-access and escalation findings on the slice widened by its
 * identities' grants) and its access digest (recordAccessChanges: the slice's model, then accessDigest reusing the
 * stored risky findings). Timed on a sample of clusters of a generated tenant, each part on its own, and the
 * findings once more without the whoCanAcross memo (the answers must be the same; the time is what the memo saves).
 */
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { normalizeManagedCluster } from '../../src/normalize/normalizeManagedCluster.ts';
import { buildAccessModel, type AccessModelInput } from '../../src/engine/access/accessModel.ts';
import { sliceForCluster } from '../../src/engine/access/sliceForCluster.ts';
import { clusterFindingsFromTenant, type ClusterNetworkInput } from '../../src/engine/findings/findingsForCluster.ts';
import { accessDigest, withStoredFindings } from '../../src/engine/changes/accessDigest.ts';
import { Prng } from '../../src/sim/scenario/prng.ts';
import { round3, summarize } from './stats.ts';
import { skipped } from './phaseIo.ts';

export type TenantInput = AccessModelInput & { readonly network: ClusterNetworkInput };

export interface FindingsCostSample {
  readonly cluster: string;
  readonly bindings: number;
  readonly azureRbac: boolean;
  readonly sliceMs: number;
  readonly findingsMs: number;
  readonly digestMs: number;
  /** The same findings without the memo (undefined when not measured). */
  readonly findingsWithoutMemoMs?: number;
  /** Whether both ways gave the same findings (JSON equal). */
  readonly sameWithoutMemo?: boolean;
  readonly findings: number;
  readonly digestPrincipals: number;
}

/** The tenant as a compile reads it (readTenantInput): clusters, their Kubernetes objects with pods, Azure, Entra, network. */
export function tenantInputOf(scenario: TenantScenario): TenantInput {
  const clusters = scenario.clusters.map((c, i) => normalizeManagedCluster(c.arm, `cluster ${String(i)}`));
  return {
    clusters,
    kubernetes: new Map(scenario.clusters.map((c, i) => [clusters[i]?.id.toLowerCase() ?? '', c.kubernetes])),
    azure: scenario.azure,
    entra: scenario.entra,
    network: { subnets: scenario.subnets, registries: scenario.registries },
  };
}

/** `count` distinct cluster positions drawn from the seed (every cluster when the tenant has no more). */
export function sampleClusters(seed: string, clusters: number, count: number): number[] {
  const prng = new Prng(`${seed}/findings-sample`);
  const all = [...Array(clusters).keys()];
  for (let i = all.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [all[i], all[j]] = [all[j] ?? 0, all[i] ?? 0];
  }
  return all.slice(0, Math.min(count, clusters));
}

/** One cluster's compile work, each part timed: slice, findings, digest (as compileCluster and recordAccessChanges do them). */
export function measureClusterFindings(tenant: TenantInput, position: number, withoutMemo = false): FindingsCostSample {
  const cluster = tenant.clusters[position];
  if (cluster === undefined) throw new Error(`no cluster at ${String(position)}`);
  const a = performance.now();
  const slice = sliceForCluster(tenant, cluster.id);
  const b = performance.now();
  const findings = clusterFindingsFromTenant(tenant, cluster, slice, tenant.network);
  const c = performance.now();
  const model = buildAccessModel(slice);
  const sliced = model.clusters[0];
  if (sliced === undefined) throw new Error(`cluster ${cluster.name} is not in its slice`);
  const digest = accessDigest(model, sliced, withStoredFindings(findings.findings));
  const d = performance.now();
  let without: Pick<FindingsCostSample, 'findingsWithoutMemoMs' | 'sameWithoutMemo'> = {};
  if (withoutMemo) {
    const e = performance.now();
    const direct = clusterFindingsFromTenant(tenant, cluster, slice, tenant.network, { memo: false });
    without = { findingsWithoutMemoMs: round3(performance.now() - e), sameWithoutMemo: JSON.stringify(direct) === JSON.stringify(findings) };
  }
  return {
    cluster: cluster.name,
    bindings: tenant.kubernetes.get(cluster.id.toLowerCase())?.bindings.length ?? 0,
    azureRbac: cluster.azureRbac,
    sliceMs: round3(b - a),
    findingsMs: round3(c - b),
    digestMs: round3(d - c),
    ...without,
    findings: findings.findings.length,
    digestPrincipals: digest.principals.length,
  };
}

const p50Max = (xs: readonly number[]) => {
  const s = summarize(xs);
  return { p50Ms: s.p50Ms, meanMs: s.meanMs, maxMs: s.maxMs };
};

/**
 * Findings and digest on `sampleSize` clusters drawn from the seed, after one untimed cluster (the JIT), with the
 * tenant-wide cost they imply: clusters × p50, on one core (a compile is single-threaded).
 */
export function findingsPerCluster(scenario: TenantScenario, seed: string, sampleSize: number, withoutMemo: boolean) {
  const tenant = tenantInputOf(scenario);
  const positions = sampleClusters(seed, tenant.clusters.length, sampleSize + 1);
  // A tenant with no more clusters than the sample: every cluster is timed, the first one also warms up.
  const [warmup, ...rest] = positions;
  const sample = positions.length <= sampleSize ? positions : rest;
  if (warmup !== undefined) measureClusterFindings(tenant, warmup, withoutMemo);
  const samples = sample.map((p) => measureClusterFindings(tenant, p, withoutMemo));
  const findingsMs = p50Max(samples.map((s) => s.findingsMs));
  const digestMs = p50Max(samples.map((s) => s.digestMs));
  const clusters = tenant.clusters.length;
  return {
    method:
      'per sampled cluster, as compileCluster does it: sliceForCluster, then clusterFindingsFromTenant (cluster-identity, risky-access and escalation findings on the slice widened by its identities’ grants; one whoCanAcross memo per compile), then the digest recordAccessChanges computes (buildAccessModel of the slice + accessDigest with the stored risky findings), each timed on its own; then the findings again without the memo, checked equal. Clusters drawn with a seeded PRNG, one untimed cluster first (every cluster when the tenant has no more than the sample).',
    sampleSize: samples.length,
    clusters,
    sliceMs: p50Max(samples.map((s) => s.sliceMs)),
    findingsMs,
    digestMs,
    ...(withoutMemo
      ? { findingsWithoutMemoMs: p50Max(samples.map((s) => s.findingsWithoutMemoMs ?? Number.NaN)), sameWithoutMemo: `${samples.filter((s) => s.sameWithoutMemo === true).length}/${samples.length}` }
      : { findingsWithoutMemo: skipped('not timed at this size: one cluster’s findings take seconds, twice per cluster would double the phase') }),
    findings: { p50: summarize(samples.map((s) => s.findings)).p50Ms, max: Math.max(...samples.map((s) => s.findings)) },
    /**
     * The whole tenant's compile stage spends about this on findings + digests, on one core: clusters × p50, and
     * clusters × mean (the costly clusters — those with Azure RBAC for Kubernetes — are a share of every tenant, not outliers).
     */
    tenantEstimate: {
      findingsSecondsPerCore: round3((clusters * findingsMs.p50Ms) / 1000),
      digestSecondsPerCore: round3((clusters * digestMs.p50Ms) / 1000),
      findingsSecondsPerCoreByMean: round3((clusters * findingsMs.meanMs) / 1000),
      digestSecondsPerCoreByMean: round3((clusters * digestMs.meanMs) / 1000),
    },
    perCluster: samples,
  };
}
