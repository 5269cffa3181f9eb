import type { InvocationContext, Timer } from '@azure/functions';
import type { SyncDeps } from './SyncDeps.ts';
import type { SyncQueues } from './SyncQueues.ts';
import { affectedClusters, knownScopes, nextStage, planRun, type KnownScopes } from './planRun.ts';
import { retireUnit, runUnit } from './runUnit.ts';
import { compileCluster, compileDecision } from './compileCluster.ts';
import { newRunId } from './syncIds.ts';
import { parseCompileMessage, parseUnitMessage } from './syncMessages.ts';
import { unitLabel } from './units.ts';
import { accessChangesLogLine } from '../notify/accessChangesLogLine.ts';

export interface SyncHandlerDeps extends SyncDeps {
  readonly queues: SyncQueues;
}

/** The three sync functions' bodies; functions/ registers them with the host, tests call them directly. */
export interface SyncHandlers {
  /** Timer: start a run — its first stage (the tenant units) onto the unit queue. */
  readonly onSchedule: (timer: Timer, context: InvocationContext) => Promise<void>;
  /** Unit queue: run one unit; enqueue the next stage it leads to and compiles for the clusters it feeds. */
  readonly onUnitMessage: (message: unknown, context: InvocationContext) => Promise<void>;
  /** Compile queue: compile one cluster into a new generation, unless the request is moot. */
  readonly onCompileMessage: (message: unknown, context: InvocationContext) => Promise<void>;
}

/**
 * The sync pipeline as queue-driven functions. A run fans out in stages: the timer enqueues the tenant units;
 * `azure-rbac tenant` enqueues every subscription's units, each `aks-clusters sub:S` every cluster's unit of S
 * (from their complete listings, or from the stored scopes when the listing failed). Every successful unit
 * asks for the clusters it feeds to be compiled. A classified collector failure is the unit's status, not an
 * error (retrying a denied or throttled source at once helps nobody; the next run tries again); anything else
 * throws, and the platform retries the message and finally moves it to the poison queue.
 */
export function createSyncHandlers(deps: SyncHandlerDeps): SyncHandlers {
  const known = async (): Promise<KnownScopes> => knownScopes(await deps.store.listUnitStatus());

  return {
    async onSchedule(timer, context) {
      const runId = newRunId(deps.now(), deps.newId());
      const units = planRun();
      await deps.queues.sendUnits(units.map((unit) => ({ v: 1, runId, unit })));
      context.info(`[${runId}] sync run planned: ${units.map(unitLabel).join(', ')}${timer.isPastDue ? ' (the timer was past due)' : ''}`);
    },

    async onUnitMessage(message, context) {
      const { runId, unit } = parseUnitMessage(message);
      const label = unitLabel(unit);
      const result = await runUnit(unit, runId, deps);
      const s = result.status;
      if (s.state === 'ok') context.info(`[${runId}] ${label}: ok, ${s.objects} objects (${result.written} written, ${result.deleted} deleted) in ${s.durationMs} ms`);
      else context.warn(`[${runId}] ${label}: ${s.state}${s.permission === undefined ? '' : ` (needs ${s.permission})`}: ${s.message ?? ''}; its previous data is kept`);

      const listing = unit.scope === 'tenant' ? unit.source === 'azure-rbac' : unit.source === 'aks-clusters';
      const needsKnown = listing || (s.state === 'ok' && unit.source !== 'k8s-rbac');
      const scopes = needsKnown ? await known() : { subscriptionIds: [], clusterIds: [] };
      const next = nextStage(result, scopes);
      for (const retired of next.retire) {
        await retireUnit(retired, runId, deps);
        context.info(`[${runId}] ${unitLabel(retired)}: retired (no longer listed by ${label})`);
      }
      if (next.run.length > 0) {
        await deps.queues.sendUnits(next.run.map((u) => ({ v: 1, runId, unit: u })));
        context.info(`[${runId}] ${label}: enqueued ${next.run.length} units${result.snapshot === undefined ? ' from the stored scopes (the listing failed)' : ''}`);
      }
      if (s.state !== 'ok') return;
      const retiredClusters = new Set(next.retire.map((u) => u.scope.toLowerCase()));
      const clusters = affectedClusters(unit, scopes).filter((c) => !retiredClusters.has(`cluster:${c.toLowerCase()}`));
      if (clusters.length === 0) return;
      const requestedAt = new Date(deps.now()).toISOString();
      await deps.queues.sendCompiles(clusters.map((clusterId) => ({ v: 1, runId, clusterId, requestedAt })));
      context.info(`[${runId}] ${label}: asked to compile ${clusters.length} cluster(s)`);
    },

    async onCompileMessage(message, context) {
      const { runId, clusterId, requestedAt } = parseCompileMessage(message);
      const decision = await compileDecision(clusterId, runId, requestedAt, deps);
      if (!decision.compile) {
        context.info(`[${runId}] compile ${clusterId}: skipped, ${decision.reason}`);
        return;
      }
      const result = await compileCluster(clusterId, deps);
      if (result.state === 'skipped') context.warn(`[${runId}] compile ${clusterId}: skipped, ${result.reason}`);
      else {
        // What the compile did about changes over time goes on the same line: warn when history or the webhook failed.
        const changes = result.changes === undefined ? undefined : accessChangesLogLine(result.changes);
        context[changes?.level ?? 'info'](`[${runId}] compile ${clusterId}: generation ${result.generation} in ${result.durationMs} ms${changes === undefined ? '' : `; ${changes.text}`}`);
      }
    },
  };
}
