import { CollectorError } from '../collectors/CollectorError.ts';
import { unitId, type UnitKey, type UnitSnapshot, type UnitStatus } from '../store/IndexStore.ts';
import type { SyncDeps } from './SyncDeps.ts';
import { snapshotObjects } from './unitCollectors.ts';
import { unitScope } from './units.ts';
import { unitStatusOf } from './unitStatusOf.ts';

/** How one unit ended: its status as recorded, what was written, and (when it succeeded) the snapshot. */
export interface UnitRunResult {
  readonly unit: UnitKey;
  readonly status: UnitStatus;
  /** Documents upserted; 0 when the unit failed (nothing is written from a failed fetch). */
  readonly written: number;
  /** The unit's documents from older runs removed after the complete write. */
  readonly deleted: number;
  /** The complete snapshot, for a unit that succeeded: the next stage is planned from it. */
  readonly snapshot?: UnitSnapshot;
}

/** What a retired unit's status says (and how the next run knows not to retire it again). */
export const RETIRED_MESSAGE = 'retired: the scope is no longer in the tenant; its documents were removed';

/**
 * Runs one unit: collect → only after a complete fetch write the snapshot (upsert, then delete the unit's
 * documents from older runs) → status `ok`. A CollectorError leaves the unit's documents as they were and
 * records the failure (kind, message, the permission to grant) with the last success carried over.
 * Anything else (a bug, the store unreachable) propagates: the caller's retry policy decides (in Azure, the
 * queue's dequeue count and poison queue).
 *
 * Idempotent: the same unit in the same run writes the same documents and deletes nothing more.
 */
export async function runUnit(unit: UnitKey, runId: string, deps: SyncDeps): Promise<UnitRunResult> {
  unitScope(unit);
  const started = deps.now();
  const base = { unit: unitId(unit), source: unit.source, scope: unit.scope, runId, lastAttempt: new Date(started).toISOString() };
  let snapshot: UnitSnapshot;
  try {
    snapshot = await deps.collect(unit);
  } catch (error) {
    if (!(error instanceof CollectorError)) throw error;
    const before = await unitStatusOf(unit, deps.store);
    const status: UnitStatus = {
      ...base,
      state: error.kind,
      ...(before?.lastSuccess === undefined ? {} : { lastSuccess: before.lastSuccess }),
      message: error.message,
      ...(error.permission === undefined ? {} : { permission: error.permission }),
      objects: 0,
      durationMs: deps.now() - started,
    };
    await deps.store.recordUnitStatus(status);
    return { unit, status, written: 0, deleted: 0 };
  }
  const write = await deps.store.writeUnitSnapshot(unit, runId, snapshot);
  const status: UnitStatus = { ...base, state: 'ok', lastSuccess: base.lastAttempt, objects: snapshotObjects(snapshot), durationMs: deps.now() - started };
  await deps.store.recordUnitStatus(status);
  return { unit, status, written: write.written, deleted: write.deleted, snapshot };
}

const EMPTY: Readonly<Record<UnitSnapshot['source'], UnitSnapshot>> = {
  'azure-rbac': { source: 'azure-rbac', data: { azure: { roleDefinitions: [], roleAssignments: [], denyAssignments: [], hierarchy: [] }, subscriptions: [] } },
  'aks-clusters': { source: 'aks-clusters', data: { clusters: [], networks: [], subnets: [], missingSubnetIds: [], registries: [] } },
  entra: { source: 'entra', data: { users: [], groups: [], servicePrincipals: [] } },
  'k8s-rbac': { source: 'k8s-rbac', data: { roles: [], bindings: [], namespaces: [], serviceAccounts: [], pods: [], warnings: [] } },
};

/**
 * A scope that a complete fetch one level up no longer lists (a subscription gone from the tenant, a cluster
 * gone from its subscription): its documents are removed by writing it an empty snapshot (the store's scoped
 * cleanup then deletes everything older), and its status says so.
 */
export async function retireUnit(unit: UnitKey, runId: string, deps: SyncDeps): Promise<UnitRunResult> {
  const started = deps.now();
  const before = await unitStatusOf(unit, deps.store);
  const write = await deps.store.writeUnitSnapshot(unit, runId, EMPTY[unit.source]);
  const status: UnitStatus = {
    unit: unitId(unit),
    source: unit.source,
    scope: unit.scope,
    runId,
    state: 'ok',
    lastAttempt: new Date(started).toISOString(),
    ...(before?.lastSuccess === undefined ? {} : { lastSuccess: before.lastSuccess }),
    message: RETIRED_MESSAGE,
    objects: 0,
    durationMs: deps.now() - started,
  };
  await deps.store.recordUnitStatus(status);
  return { unit, status, written: write.written, deleted: write.deleted };
}
