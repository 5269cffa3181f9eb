/**
 * `aks-access findings --api URL` as a process against a running API: contoso served over the real protocols
 * (simulated ARM, Graph, Kubernetes API), synced by the real collectors into Cosmos (the in-process server), the
 * API served over HTTP in local mode (as `npm start` serves it). The CLI's JSON must equal, finding for finding,
 * what the offline command prints over contoso exported as az JSON and kubectl Lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import { exportScenarioFiles } from '../../src/sim/scenario/exportScenarioFiles.ts';
import { CONTOSO_PATH } from '../../src/sim/scenario/findingsInputs.ts';
import { AccessQueries } from '../../src/api/AccessQueries.ts';
import { createAuthenticate } from '../../src/api/auth/createAuthenticate.ts';
import { createRestHandler } from '../../src/api/rest/createRestHandler.ts';
import { startLocalHost, type LocalHost } from '../../src/dev/localHost.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { syncScenario } from '../helpers/syncScenario.ts';
import { runCliProcess } from '../helpers/cliProcess.ts';

const cli = (...args: string[]) => runCliProcess(args);

let cosmos: CosmosTestServer;
let host: LocalHost;
let offlineArgs: string[];
let dir: string;

beforeAll(async () => {
  const scenario = await loadScenario(CONTOSO_PATH);
  cosmos = await startCosmosServer();
  const { store } = await createTestIndexStore(cosmos);
  const summary = await syncScenario(scenario, { store, now: Date.now, newId: () => 'e2e' });
  expect(summary.errors).toEqual([]);
  const queries = new AccessQueries(store);
  const rest = createRestHandler({ queries, authenticate: createAuthenticate({ localMode: true }) });
  host = await startLocalHost({ port: 0, rest, graphql: () => new Response('not here', { status: 404 }), health: () => ({ ready: true }) });
  dir = await mkdtemp(join(tmpdir(), 'aks-access-findings-api-cli-'));
  // With identities and federated credentials, as the sync reads them through ARM: chains claimed alike on both sides.
  const out = await exportScenarioFiles(scenario, dir, { federatedCredentials: true });
  offlineArgs = ['--azure-files', out.azure, '--from-files', ...out.clusters.map((c) => `${c.name}=${c.dir}`)];
}, 120_000);

afterAll(async () => {
  await host.close();
  await cosmos.close();
});

describe('aks-access findings --api', () => {
  it.each([
    ['every finding', []],
    ['cluster-identity on aks-prod-weu', ['--kind', 'cluster-identity', '--cluster', 'aks-prod-weu']],
    ['risky, high only', ['--kind', 'risky', '--severity', 'high']],
    ['a finding kind', ['--kind', 'escalation-path,missing-cluster-identity-permission']],
  ])('%s: the same JSON as offline over the exported tenant', async (_name, filters) => {
    const [remote, offline] = await Promise.all([cli('findings', '--api', host.url, ...filters, '-o', 'json'), cli('findings', ...offlineArgs, ...filters, '-o', 'json')]);
    expect(remote.code, remote.stderr).toBe(0);
    expect(offline.code, offline.stderr).toBe(0);
    const remoteJson = JSON.parse(remote.stdout) as { findings: { clusterId: string }[] };
    const offlineJson = JSON.parse(offline.stdout) as { findings: { clusterId: string }[] };
    expect(remoteJson.findings.length).toBeGreaterThan(0);
    // The API lists cluster by cluster; offline lists kind by kind: the same findings, compared cluster by cluster.
    const byCluster = (fs: { clusterId: string }[]) => [...new Set(fs.map((f) => f.clusterId.toLowerCase()))].sort().map((id) => fs.filter((f) => f.clusterId.toLowerCase() === id));
    expect(byCluster(remoteJson.findings)).toEqual(byCluster(offlineJson.findings));
    expect(Object.keys(remoteJson)).toEqual(['findings']);
  });

  it('the table, and local suppressions on top of the instance’s', async () => {
    const file = join(dir, 'suppress.yaml');
    await writeFile(file, '- match: { kind: cluster-identity, cluster: aks-dev-weu }\n  owner: platform-team\n  reason: registry moves next quarter\n  expires: 2999-01-01\n');
    const run = await cli('findings', '--api', host.url, '--kind', 'cluster-identity', '--suppressions', file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^SEVERITY\s+CLUSTER\s+FINDING\s+IDENTITY\s+WHAT$/);
    expect(run.stdout).toMatch(/aks-prod-weu\s+missing-cluster-identity-permission\s+control-plane/);
    expect(run.stdout).toMatch(/Suppressed \(1\):[\s\S]*aks-dev-weu[\s\S]*platform-team until 2999-01-01/);
  });

  it('errors exit 2: local files with --api, --include-baseline with --api, an unknown severity', async () => {
    expect((await cli('findings', '--api', host.url, '--azure-files', 'examples/azure')).code).toBe(2);
    const baseline = await cli('findings', '--api', host.url, '--include-baseline');
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatch(/--include-baseline is offline only/);
    expect((await cli('findings', '--api', host.url, '--severity', 'urgent')).code).toBe(2);
  });
});
