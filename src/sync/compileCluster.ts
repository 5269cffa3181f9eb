import { clusterKey } from '../engine/access/accessModel.ts';
import { sliceForCluster } from '../engine/access/sliceForCluster.ts';
import { clusterFindingsFromTenant } from '../engine/findings/findingsForCluster.ts';
import type { ClusterGeneration, TenantInput } from '../store/IndexStore.ts';
import type { SyncDeps } from './SyncDeps.ts';
import { newGenerationId } from './syncIds.ts';
import { clusterUnit } from './units.ts';
import { unitStatusOf } from './unitStatusOf.ts';
import { recordAccessChanges, type AccessChangesRecorded } from '../notify/recordAccessChanges.ts';

export type CompileResult =
  | { readonly clusterId: string; readonly state: 'compiled'; readonly generation: string; readonly compiledAt: string; readonly durationMs: number; readonly changes?: AccessChangesRecorded }
  | { readonly clusterId: string; readonly state: 'skipped'; readonly reason: string };

type CompileDeps = Pick<SyncDeps, 'store' | 'now' | 'newId' | 'notifier'>;

/**
 * Compiles one cluster: the tenant's last good data (store.readTenantInputFor — the tenant with this cluster's
 * Kubernetes objects only — or readTenantInput, or `input` already read for many clusters at once) → the
 * cluster's slice and its findings → a new generation, which the store writes in full before it flips the
 * cluster's pointer; then its access digest goes to history (and new risky grants to the webhook).
 * `compiledAt` is taken before the input is read, so a generation includes every unit write that finished
 * before its `compiledAt`. A cluster the tenant no longer has is skipped.
 */
export async function compileCluster(clusterId: string, deps: CompileDeps, input?: TenantInput): Promise<CompileResult> {
  const started = deps.now();
  // Alone (a queue message), only this cluster's Kubernetes objects are read, not every cluster's.
  const tenant = input ?? (await (deps.store.readTenantInputFor?.([clusterId]) ?? deps.store.readTenantInput()));
  const cluster = tenant.clusters.find((c) => clusterKey(c.id) === clusterKey(clusterId));
  if (cluster === undefined) return { clusterId, state: 'skipped', reason: 'the cluster is not in the stored tenant (no aks-clusters snapshot lists it)' };
  const slice = sliceForCluster(tenant, cluster.id);
  const generation: ClusterGeneration = {
    clusterId: cluster.id,
    generation: newGenerationId(started, deps.newId()),
    compiledAt: new Date(started).toISOString(),
    input: slice,
    // Findings are computed here, once per generation, so asking for them reads one partition.
    // Widened by the cluster identities' grants elsewhere and by those of the workload identities its service accounts use.
    findings: clusterFindingsFromTenant(tenant, cluster, slice, tenant.network ?? {}),
  };
  await deps.store.writeGeneration(generation);
  const durationMs = deps.now() - started;
  // After the generation is the cluster's answer: history and the webhook can fail without failing the compile.
  const changes = await recordAccessChanges(generation, deps);
  return { clusterId: cluster.id, state: 'compiled', generation: generation.generation, compiledAt: generation.compiledAt, durationMs, changes };
}

/**
 * Whether a compile requested in `runId` (at `requestedAt`, ISO) should run now. A cluster's generation is
 * rebuilt only once the cluster's own k8s-rbac unit has succeeded in this run or a later one: while it has not
 * run yet its completion will ask again, and when it failed the cluster keeps its previous generation (its
 * status says why) rather than mixing old Kubernetes objects with new Azure data. A generation compiled after
 * the request already includes what the request was for.
 */
export async function compileDecision(clusterId: string, runId: string, requestedAt: string, deps: Pick<SyncDeps, 'store'>): Promise<{ readonly compile: true } | { readonly compile: false; readonly reason: string }> {
  const status = await unitStatusOf(clusterUnit(clusterId), deps.store);
  if (status === undefined || status.runId < runId) return { compile: false, reason: 'the cluster’s k8s-rbac unit has not run in this run yet; it asks for the compile when it finishes' };
  if (status.state !== 'ok') return { compile: false, reason: `the cluster’s k8s-rbac unit failed (${status.state}): it keeps its previous generation` };
  // The pointer says which generation is current and when it was compiled: its chunks need not be read for that.
  const current = await (deps.store.readClusterPointer?.(clusterId) ?? deps.store.readCurrentGeneration(clusterId));
  if (current !== undefined && current.compiledAt >= requestedAt) return { compile: false, reason: `generation ${current.generation} (compiled ${current.compiledAt}) already includes this change` };
  return { compile: true };
}
