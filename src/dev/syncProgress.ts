import { unitId, type UnitStatus } from '../store/IndexStore.ts';
import { knownScopes, nextStage, planRun } from '../sync/planRun.ts';
import type { RunSyncOptions } from '../sync/runSync.ts';
import type { UnitRunResult } from '../sync/runUnit.ts';

/**
 * The progress display of a sync run: a line per unit with `[done/total]` and the failures so far. The total
 * grows as the run discovers its stages (the tenant lists subscriptions, each subscription its clusters), so it
 * is planned here from the same functions runSync plans with.
 */
export function syncProgress(statuses: readonly UnitStatus[], out: (text: string) => void, options: { verbose: boolean }): RunSyncOptions & { readonly failures: () => number } {
  const known = knownScopes(statuses);
  const planned = new Set(planRun().map((u) => unitId(u).toLowerCase()));
  let done = 0;
  let failed = 0;
  return {
    failures: () => failed,
    onUnit: (result: UnitRunResult) => {
      done++;
      for (const u of nextStage(result, known).run) planned.add(unitId(u).toLowerCase());
      const status = result.status;
      if (status.state !== 'ok') failed++;
      if (!options.verbose && status.state === 'ok') return;
      const mark = status.state === 'ok' ? '✓' : '✗';
      const counter = `[${String(done).padStart(String(planned.size).length)}/${planned.size}${failed > 0 ? `, ${failed} failed` : ''}]`;
      const detail =
        status.state === 'ok'
          ? `${status.objects} objects, ${result.written} written, ${result.deleted} stale removed`
          : `${status.state}${status.permission === undefined ? '' : ` (needs ${status.permission})`}: ${status.message ?? ''}`;
      out(`  ${counter} ${mark} ${status.unit} — ${detail} (${Math.round(status.durationMs)} ms)\n`);
    },
    onCompile: (c) => {
      if (options.verbose) out(`  ⚙ compiled ${c.clusterId.split('/').pop() ?? c.clusterId}\n`);
    },
  };
}
