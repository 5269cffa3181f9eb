/**
 * A tenant from exported files indexed like a live one: contoso exported as az JSON and kubectl Lists (plus an
 * internal load balancer's Service in another resource group's subnet), answered unit by unit by fileTenant,
 * synced into Cosmos (the in-process server) and asked through AccessQueries — the findings must equal what
 * `aks-access findings` computes offline over the same files, the internal load balancer's gap included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { exportScenarioFiles } from '../../src/sim/scenario/exportScenarioFiles.ts';
import { CONTOSO_PATH } from '../../src/sim/scenario/findingsInputs.ts';
import { fileTenant } from '../../src/dev/fileTenant.ts';
import { runSync } from '../../src/sync/runSync.ts';
import { AccessQueries } from '../../src/api/AccessQueries.ts';
import { offlineFindings } from '../../src/cli/findings/offlineFindings.ts';
import type { Finding } from '../../src/engine/findings/Finding.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { fakeClock } from '../helpers/fakeTenant.ts';

let cosmos: CosmosTestServer;
let queries: AccessQueries;
let offline: readonly Finding[];
let ilbSubnet: string;

beforeAll(async () => {
  const scenario = await loadScenario(CONTOSO_PATH);
  const out = await exportScenarioFiles(scenario, await mkdtemp(join(tmpdir(), 'aks-access-file-tenant-')));
  const prod = out.clusters.find((c) => c.name === 'aks-prod-weu');
  const prodId = String(scenario.clusters.find((c) => c.arm.name === 'aks-prod-weu')?.arm.id);
  if (prod === undefined) throw new Error('contoso.yaml changed: no aks-prod-weu');
  ilbSubnet = `/subscriptions/${prodId.split('/')[2] ?? ''}/resourceGroups/rg-ilb-shared/providers/Microsoft.Network/virtualNetworks/vnet-shared/subnets/snet-ilb`;
  await writeFile(
    join(prod.dir, 'ilb-service.json'),
    JSON.stringify({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'payments-internal', namespace: 'payments', annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': ilbSubnet } },
      spec: { type: 'LoadBalancer' },
    }),
  );
  const azureFiles = [out.azure];
  const fromFiles = out.clusters.map((c) => `${c.name}=${c.dir}`);
  offline = (await offlineFindings({ azureFiles, fromFiles })).findings;

  cosmos = await startCosmosServer();
  const { store } = await createTestIndexStore(cosmos);
  const tenant = await fileTenant(azureFiles, fromFiles);
  const summary = await runSync({ store, collect: tenant.collect, ...fakeClock('2026-11-29T08:00:00.000Z') });
  expect(summary.errors).toEqual([]);
  queries = new AccessQueries(store);
}, 120_000);

afterAll(async () => {
  await cosmos.close();
});

const byCluster = (fs: readonly Finding[]) => [...new Set(fs.map((f) => f.clusterId.toLowerCase()))].sort().map((id) => fs.filter((f) => f.clusterId.toLowerCase() === id));

describe('fileTenant', () => {
  it('indexes exported files: the API’s findings equal the offline findings over the same files', async () => {
    const answer = await queries.findings();
    expect(answer.clusters.map((c) => c.name).sort()).toEqual(['aks-dev-weu', 'aks-ops-weu', 'aks-payments-prod', 'aks-prod-weu']);
    expect(answer.findings.length).toBeGreaterThan(0);
    expect(byCluster(answer.findings)).toEqual(byCluster(offline));
  });

  it('carries the manifests’ internal load-balancer subnets to the cluster-identity check', async () => {
    const ilb = (await queries.findings({ clusters: ['aks-prod-weu'], kinds: ['missing-cluster-identity-permission'] })).findings.filter((f) => f.kind === 'missing-cluster-identity-permission' && f.condition === 'internal-lb-in-another-rg');
    expect(ilb.map((f) => (f.kind === 'missing-cluster-identity-permission' ? [f.identity, f.scope] : []))).toEqual([['control-plane', ilbSubnet]]);
    expect(offline.some((f) => f.kind === 'missing-cluster-identity-permission' && f.condition === 'internal-lb-in-another-rg' && f.scope === ilbSubnet)).toBe(true);
  });
});
