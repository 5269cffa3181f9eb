/** A full sync of a simulated tenant into a store: the scenario served over the real protocols, read by the real collectors. */
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { startSimTenant } from '../../src/sim/startSimTenant.ts';
import { createAzureRbacClients } from '../../src/collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../../src/collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../../src/collectors/entra/clients.ts';
import { unitCollectors } from '../../src/sync/unitCollectors.ts';
import { runSync, type SyncSummary } from '../../src/sync/runSync.ts';
import type { SyncDeps } from '../../src/sync/SyncDeps.ts';
import type { FaultRule } from '../../src/sim/server/faults.ts';
import { StaticTokenCredential, recordingRetry } from './simTenantHarness.ts';

export interface SyncScenarioOptions {
  /** Faults the simulated tenant injects during the sync. */
  readonly faults?: readonly FaultRule[];
  /** Called again and again while the sync runs (e.g. to read the store mid-sync). */
  readonly during?: () => Promise<void>;
}

/** Starts the simulated tenant, runs one sync with `deps` (store, clock, ids, …) and stops the tenant. */
export async function syncScenario(scenario: TenantScenario, deps: Omit<SyncDeps, 'collect'>, options: SyncScenarioOptions = {}): Promise<SyncSummary> {
  const sim = await startSimTenant(scenario, { pageSize: 50 });
  for (const f of options.faults ?? []) sim.faults.add(f);
  try {
    const credential = new StaticTokenCredential();
    const arm = { endpoint: sim.armUrl, ca: sim.ca, requestTimeoutMs: 5_000 };
    const collect = unitCollectors({
      tenantId: scenario.tenantId,
      credential,
      azureRbac: createAzureRbacClients(credential, arm),
      aksClusters: createAksClustersClients(credential, arm),
      entra: createEntraClients(credential, { baseUrl: sim.graphUrl, ca: sim.ca, requestTimeoutMs: 5_000 }),
      retry: recordingRetry(3),
    });
    const { during } = options;
    if (during === undefined) return await runSync({ concurrency: 4, ...deps, collect });
    const state = { running: true };
    const sync = runSync({ concurrency: 4, ...deps, collect }).finally(() => (state.running = false));
    const reader = (async () => {
      while (state.running) await during();
    })();
    const [summary] = await Promise.all([sync, reader]);
    return summary;
  } finally {
    await sim.close();
  }
}
