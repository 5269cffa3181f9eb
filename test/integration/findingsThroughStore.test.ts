/**
 * Findings through the index: contoso served over the real protocols (simulated ARM, Graph and Kubernetes API),
 * synced by the real collectors into Cosmos (the in-process server), where each cluster's generation carries the
 * findings computed when it was compiled. They must equal, JSON for JSON, what `aks-access findings` computes
 * offline from contoso exported as az JSON and kubectl Lists — the export including `az identity list` and
 * `az identity federated-credential list`, the sync reading the same through ARM, so workload-identity chains are
 * claimed by their federated credentials on both sides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import { exportScenarioFiles } from '../../src/sim/scenario/exportScenarioFiles.ts';
import { scenarioFederatedCredentials } from '../../src/sim/scenario/scenarioFederatedCredentials.ts';
import { CONTOSO_PATH } from '../../src/sim/scenario/findingsInputs.ts';
import type { IndexStore } from '../../src/store/IndexStore.ts';
import { offlineFindings } from '../../src/cli/findings/offlineFindings.ts';
import type { Finding } from '../../src/engine/findings/Finding.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { fakeClock } from '../helpers/fakeTenant.ts';
import { syncScenario } from '../helpers/syncScenario.ts';

let cosmos: CosmosTestServer;
let store: IndexStore;
let scenario: TenantScenario;
let offline: readonly Finding[];

beforeAll(async () => {
  scenario = await loadScenario(CONTOSO_PATH);
  cosmos = await startCosmosServer();
  ({ store } = await createTestIndexStore(cosmos));
  const summary = await syncScenario(scenario, { store, ...fakeClock('2026-11-29T08:00:00.000Z') });
  expect(summary.errors).toEqual([]);
  const out = await exportScenarioFiles(scenario, await mkdtemp(join(tmpdir(), 'aks-access-findings-store-')), { federatedCredentials: true });
  offline = (await offlineFindings({ azureFiles: [out.azure], fromFiles: out.clusters.map((c) => `${c.name}=${c.dir}`) })).findings;
}, 120_000);

afterAll(async () => {
  await cosmos.close();
});

describe('findings stored with each cluster generation', () => {
  it('equal the offline findings over the exported tenant, cluster by cluster', async () => {
    const clusters = await store.listClusterGenerations();
    expect(clusters.map((c) => c.name).sort()).toEqual(scenario.clusters.map((c) => String(c.arm.name)).sort());
    for (const c of clusters) {
      const generation = await store.readCurrentGeneration(c.clusterId);
      const stored = generation?.findings?.findings;
      const expected = offline.filter((f) => f.clusterId.toLowerCase() === c.clusterId.toLowerCase());
      expect(JSON.stringify(stored, null, 1), c.name).toBe(JSON.stringify(expected, null, 1));
    }
  });

  it('workload-identity chains are claimed by the federated credentials the sync read, and only where one backs them', async () => {
    const all: Finding[] = [];
    for (const c of await store.listClusterGenerations()) all.push(...((await store.readCurrentGeneration(c.clusterId))?.findings?.findings ?? []));
    const chains = all.filter((f): f is Extract<Finding, { kind: 'escalation-path' }> => f.kind === 'escalation-path' && f.technique === 'workload-identity');
    const backed = new Set(scenarioFederatedCredentials(scenario).map((c) => c.id.toLowerCase()));
    expect(chains.length).toBeGreaterThan(0);
    for (const chain of chains) {
      const cited = chain.steps.flatMap((s) => s.evidence).filter((e) => e.type === 'federated-credential');
      expect(cited, `${chain.clusterName} ${chain.summary}`).toHaveLength(1);
      // The chain's claim and the credential it cites agree with what the scenario set up.
      expect({ claimedBy: chain.claimedBy, backed: backed.has(cited[0]?.ref.toLowerCase() ?? '') }).toEqual(
        chain.claimedBy === 'federated-credential' ? { claimedBy: 'federated-credential', backed: true } : { claimedBy: 'annotation', backed: false },
      );
    }
    expect(chains.filter((c) => c.claimedBy === 'federated-credential').map((c) => `${c.clusterName} ${c.steps.flatMap((s) => s.evidence).find((e) => e.type === 'federated-credential')?.ref.split('/').at(-1) ?? ''}`)).toEqual(
      expect.arrayContaining(['aks-prod-weu aks-prod-weu-payments-payments-api']),
    );
  });

  it('the planted gaps are among them, and the clean cluster has no identity finding', async () => {
    const all: Finding[] = [];
    for (const c of await store.listClusterGenerations()) all.push(...((await store.readCurrentGeneration(c.clusterId))?.findings?.findings ?? []));
    const gaps = all.filter((f) => f.kind === 'missing-cluster-identity-permission');
    expect(gaps.map((f) => `${f.clusterName} ${f.identity} ${f.permission} ${f.condition}`)).toContain('aks-dev-weu kubelet Microsoft.ContainerRegistry/registries/pull/read acr-attach');
    expect(gaps.filter((f) => f.clusterName === 'aks-prod-weu')).toHaveLength(6);
    expect(all.filter((f) => f.clusterName === 'aks-payments-prod' && f.kind !== 'risky-access')).toEqual([]);
    expect(all.some((f) => f.kind === 'risky-access')).toBe(true);
  });
});
