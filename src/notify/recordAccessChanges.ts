import { buildAccessModel, clusterKey } from '../engine/access/accessModel.ts';
import { accessDigest, withStoredFindings } from '../engine/changes/accessDigest.ts';
import { diffDigests } from '../engine/changes/diffDigests.ts';
import type { ClusterGeneration, IndexStore } from '../store/IndexStore.ts';
import type { NotificationOutcome, RiskyGrantNotifier } from './riskyGrantNotifier.ts';

/** What a compile did about changes over time; reported with the compile, never a reason for it to fail. */
export interface AccessChangesRecorded {
  /** Whether the generation's access digest is in the history. */
  readonly history: 'written' | 'failed';
  readonly error?: string;
  /** The generation compared against (the latest digest compiled at or before this one); absent for a cluster's first. */
  readonly previousGeneration?: string;
  /** Principals whose access differs from the previous generation's. */
  readonly changed?: number;
  readonly riskyGained?: number;
  readonly notification?: NotificationOutcome;
}

export interface RecordAccessChangesDeps {
  readonly store: Pick<IndexStore, 'readAccessDigestAt' | 'writeAccessDigest'>;
  readonly notifier?: RiskyGrantNotifier;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * After a generation is written: its access digest goes into the history, is compared with the previous
 * generation's, and new risky capabilities go to the notifier. Nothing here throws — the generation is already
 * the cluster's answer, and a history or webhook failure is recorded in the result (and logged by the caller).
 * A cluster's first digest announces nothing: there is nothing to compare it with, and a first sync would
 * otherwise report every risky grant the tenant has ever had.
 */
export async function recordAccessChanges(generation: ClusterGeneration, deps: RecordAccessChangesDeps): Promise<AccessChangesRecorded> {
  let previous;
  let digest;
  try {
    const model = buildAccessModel(generation.input);
    const cluster = model.clusters.find((c) => clusterKey(c.id) === clusterKey(generation.clusterId));
    if (cluster === undefined) return { history: 'failed', error: `the generation's slice has no cluster ${generation.clusterId}` };
    // The generation's own risky-access findings, when compiled with it, spare computing them twice.
    digest = accessDigest(model, cluster, withStoredFindings(generation.findings?.findings));
    // Read before writing this one: the latest at or before this compile is the previous generation's.
    previous = await deps.store.readAccessDigestAt(generation.clusterId, generation.compiledAt);
    await deps.store.writeAccessDigest(generation.clusterId, generation.generation, generation.compiledAt, digest);
  } catch (error) {
    return { history: 'failed', error: `access history not written: ${message(error)}` };
  }
  if (previous === undefined || previous.generation === generation.generation) {
    return { history: 'written', ...(deps.notifier === undefined ? {} : { notification: { state: 'skipped', reason: 'the cluster’s first access digest: nothing to compare with' } }) };
  }
  const changes = diffDigests(previous.digest, digest);
  const riskyGained = changes.reduce((n, c) => n + c.riskyGained.length, 0);
  const base = { history: 'written' as const, previousGeneration: previous.generation, changed: changes.length, riskyGained };
  if (deps.notifier === undefined) return base;
  let notification: NotificationOutcome;
  try {
    notification = await deps.notifier.notify({
      clusterId: generation.clusterId,
      clusterName: digest.clusterName,
      generation: generation.generation,
      compiledAt: generation.compiledAt,
      previousCompiledAt: previous.compiledAt,
      changes,
    });
  } catch (error) {
    notification = { state: 'failed', attempts: 0, riskyGained, error: message(error) };
  }
  return { ...base, notification };
}
