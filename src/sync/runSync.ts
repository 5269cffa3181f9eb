import type { TenantInput, UnitKey, UnitState } from '../store/IndexStore.ts';
import type { K8sCollection } from '../collectors/k8s-rbac/transform.ts';
import { clusterKey } from '../engine/access/accessModel.ts';
import { unitId } from '../store/IndexStore.ts';
import type { SyncDeps } from './SyncDeps.ts';
import { knownScopes, nextStage, planRun } from './planRun.ts';
import { retireUnit, runUnit, type UnitRunResult } from './runUnit.ts';
import { compileCluster, type CompileResult } from './compileCluster.ts';
import { runBounded } from './runUnits.ts';
import { newRunId } from './syncIds.ts';
import { unitLabel, unitScope } from './units.ts';

/** What one run did. */
export interface SyncSummary {
  readonly runId: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Units by how they ended (retired units are not counted here). */
  readonly units: Readonly<Record<UnitState, number>>;
  readonly objectsWritten: number;
  readonly objectsDeleted: number;
  /** Every unit's result, in the order they finished. */
  readonly results: readonly UnitRunResult[];
  /** Units whose scope left the tenant: their documents were removed. */
  readonly retired: readonly UnitRunResult[];
  /** Units that threw something other than a CollectorError (a bug, the store unreachable): no status was recorded. */
  readonly errors: readonly { readonly unit: string; readonly message: string }[];
  readonly compiled: readonly CompileResult[];
}

export interface RunSyncOptions {
  /** Called as each unit ends (progress display). */
  readonly onUnit?: (result: UnitRunResult) => void;
  readonly onCompile?: (result: CompileResult) => void;
}

/**
 * One whole sync in this process (npm start, tests): the same units the queue functions run in Azure, each
 * stage started as soon as the unit that lists it finishes, at most `concurrency` units at once, every unit
 * isolated (its failure is its status, never the run's). Then every cluster whose k8s-rbac unit succeeded is
 * compiled from one read of the tenant; a cluster whose unit failed keeps its previous generation.
 */
export async function runSync(deps: SyncDeps, options: RunSyncOptions = {}): Promise<SyncSummary> {
  const started = deps.now();
  const runId = newRunId(started, deps.newId());
  const concurrency = deps.concurrency ?? 4;
  const known = knownScopes(await deps.store.listUnitStatus());
  const results: UnitRunResult[] = [];
  const retired: UnitRunResult[] = [];
  const errors: { unit: string; message: string }[] = [];

  type Work = { readonly unit: UnitKey; readonly retire: boolean };
  const queued = new Set<string>();
  const pending: Work[] = [];
  const enqueue = (unit: UnitKey, retire: boolean) => {
    const key = `${retire ? 'retire' : 'run'}|${unitId(unit).toLowerCase()}`;
    if (queued.has(key)) return;
    queued.add(key);
    pending.push({ unit, retire });
  };
  for (const unit of planRun()) enqueue(unit, false);

  const work = async ({ unit, retire }: Work) => {
    try {
      if (retire) {
        retired.push(await retireUnit(unit, runId, deps));
        return;
      }
      const result = await runUnit(unit, runId, deps);
      results.push(result);
      options.onUnit?.(result);
      const next = nextStage(result, known);
      for (const u of next.run) enqueue(u, false);
      for (const u of next.retire) enqueue(u, true);
    } catch (error) {
      errors.push({ unit: unitLabel(unit), message: error instanceof Error ? error.message : String(error) });
    }
  };
  await drain(pending, concurrency, work);

  const compiled: CompileResult[] = [];
  const clusters = results.filter((r) => r.unit.source === 'k8s-rbac' && r.status.state === 'ok').map((r) => unitScope(r.unit)).flatMap((s) => (s.kind === 'cluster' ? [s.clusterId] : []));
  if (clusters.length > 0) {
    const input = await compileInput(deps.store, results);
    await runBounded(clusters, concurrency, async (clusterId) => {
      try {
        const result = await compileCluster(clusterId, deps, input);
        compiled.push(result);
        options.onCompile?.(result);
      } catch (error) {
        errors.push({ unit: `compile cluster:${clusterId}`, message: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  const units: Record<UnitState, number> = { ok: 0, denied: 0, transient: 0, invalid: 0 };
  for (const r of results) units[r.status.state]++;
  const finished = deps.now();
  return {
    runId,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    units,
    objectsWritten: [...results, ...retired].reduce((n, r) => n + r.written, 0),
    objectsDeleted: [...results, ...retired].reduce((n, r) => n + r.deleted, 0),
    results,
    retired,
    errors,
    compiled,
  };
}

/**
 * The tenant's last good data for this run's compiles. Only clusters whose k8s-rbac unit succeeded in this run
 * are compiled, and their last good objects are the snapshots this run just wrote and still holds: so, where
 * the store can leave them out, every cluster's Kubernetes objects are not read back (at L, millions of
 * documents); Azure RBAC and Entra come from the store (a unit of theirs that failed keeps its older data there).
 */
async function compileInput(store: SyncDeps['store'], results: readonly UnitRunResult[]): Promise<TenantInput> {
  if (store.readTenantInputFor === undefined) return store.readTenantInput();
  const tenant = await store.readTenantInputFor([]);
  const kubernetes = new Map<string, K8sCollection>();
  for (const r of results) {
    const scope = unitScope(r.unit);
    if (r.status.state === 'ok' && r.snapshot?.source === 'k8s-rbac' && scope.kind === 'cluster') kubernetes.set(clusterKey(scope.clusterId), r.snapshot.data);
  }
  return { ...tenant, kubernetes };
}

/** Runs every item of a queue that grows while it runs, at most `limit` at once. */
async function drain<T>(queue: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  while (queue.length > 0 || inFlight.size > 0) {
    while (queue.length > 0 && inFlight.size < limit) {
      const item = queue.shift() as T;
      const running: Promise<void> = task(item).finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    if (inFlight.size > 0) await Promise.race(inFlight);
  }
}
