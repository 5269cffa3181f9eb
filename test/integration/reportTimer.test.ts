/**
 * The report timer as the Functions host runs it, without the host: the composition built from configuration
 * (keyless Cosmos client trusting the in-process server's CA), the timer handler called with a real
 * InvocationContext and timer object. The index holds contoso's generations with their findings and a failing
 * Kubernetes unit for aks-dev-weu; earlier reports are in the store. The run must store a report whose findings
 * are exactly AccessQueries.findings(), whose trend continues the earlier runs, and whose stale cluster is named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { compose, type Composition } from '../../src/composition.ts';
import { AccessQueries } from '../../src/api/AccessQueries.ts';
import { buildReport } from '../../src/reports/buildReport.ts';
import { CosmosReportStore } from '../../src/reports/CosmosReportStore.ts';
import { createReportHandler } from '../../src/reports/reportHandler.ts';
import { reportTimer } from '../../functions/reportTimer.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer, type TestIndexStore } from '../helpers/cosmosServer.ts';
import { writeContosoWithFindings } from '../helpers/contosoFindings.ts';
import { invocationContext, timerTrigger } from '../helpers/functionContext.ts';
import { StaticTokenCredential } from '../helpers/simTenantHarness.ts';
import { REPORT_INPUT } from '../helpers/reportFixtures.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
let cosmos: CosmosTestServer;
let db: TestIndexStore;
let dir: string;
let app: Composition;
let devId: string;

beforeAll(async () => {
  cosmos = await startCosmosServer();
  db = await createTestIndexStore(cosmos);
  const generations = await writeContosoWithFindings(db.store);
  devId = generations.find((g) => g.clusterId.endsWith('/aks-dev-weu'))?.clusterId ?? '';
  await db.store.recordUnitStatus({
    unit: `k8s-rbac|cluster:${devId.toLowerCase()}`,
    source: 'k8s-rbac',
    scope: `cluster:${devId.toLowerCase()}`,
    runId: 'run-2',
    state: 'transient',
    lastAttempt: '2026-11-29T09:00:00.000Z',
    lastSuccess: '2026-11-28T09:00:00.000Z',
    message: 'the API server answered 503 three times',
    objects: 0,
    durationMs: 1200,
  });
  dir = await mkdtemp(join(tmpdir(), 'aks-access-report-timer-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, cosmos.ca);
  const config = loadConfig({
    TENANT_ID: TENANT,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE: db.databaseId,
    AzureWebJobsStorage__queueServiceUri: 'https://unused.queue.core.windows.net',
    SYNC_SCHEDULE: '0 0 */6 * * *',
    TLS_CA_FILE: caFile,
  });
  app = compose(config, { credential: new StaticTokenCredential('cosmos-test-token') });
  // Two earlier daily runs, as the timer would have stored them.
  for (const at of ['2026-11-27T06:00:00.000Z', '2026-11-28T06:00:00.000Z']) await app.reports.store.writeReport(buildReport(REPORT_INPUT, new Date(at)));
}, 60_000);

afterAll(async () => {
  await cosmos.close();
  await rm(dir, { recursive: true, force: true });
});

describe('report timer', () => {
  it('is registered on the AKS_ACCESS_REPORT_SCHEDULE app setting', () => {
    expect(reportTimer.schedule).toBe('%AKS_ACCESS_REPORT_SCHEDULE%');
  });

  it('builds the report from the index, stores it, continues the trend and names the stale cluster', async () => {
    const { context, logs } = invocationContext('reportTimer');
    const before = Date.now();
    // What functions/reportTimer.ts calls, on a composition with a test credential (the function's own uses the managed identity).
    await app.reports.onSchedule(timerTrigger(), context);
    const report = await app.reports.store.readLatest();
    expect(report).toBeDefined();
    if (report === undefined) return;
    expect(Date.parse(report.generatedAt)).toBeGreaterThanOrEqual(before - 1000);

    const expected = await new AccessQueries(db.store).findings({ includeSuppressed: true });
    expect(expected.findings.length).toBeGreaterThan(10);
    expect(report.findings.map((f) => JSON.stringify(f)).sort()).toEqual(expected.findings.map((f) => JSON.stringify(f)).sort());
    // The clean control has no identity gap and no escalation chain (its admin group's risky access is real).
    const payments = report.summary.byCluster.find((c) => c.name === 'aks-payments-prod');
    expect(payments?.total).toBe(expected.findings.filter((f) => f.clusterName === 'aks-payments-prod').length);
    expect(report.findings.filter((f) => f.clusterName === 'aks-payments-prod' && f.kind !== 'risky-access')).toEqual([]);
    expect(report.summary.clusters).toBe(expected.clusters.length);
    expect(report.tenantId).toBe(TENANT);

    expect(report.staleClusters.map((c) => c.name)).toEqual(['aks-dev-weu']);
    expect(report.staleClusters[0]?.reasons.join()).toMatch(/the API server answered 503 three times/);
    expect(report.units.failing.map((u) => u.state)).toEqual(['transient']);

    expect(report.trend.map((t) => t.at)).toEqual(['2026-11-27T06:00:00.000Z', '2026-11-28T06:00:00.000Z', report.generatedAt]);
    expect(report.trend.at(-1)?.total).toBe(expected.findings.length);

    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^information report ${report.id} stored: ${expected.findings.length} open findings \\(critical \\d+, high \\d+, medium \\d+, low \\d+\\), 0 suppressed, ${expected.clusters.length} clusters \\(1 stale\\), trend over 3 runs$`)));
    expect(logs).toContainEqual(expect.stringMatching(/^warning report \S+: cluster aks-dev-weu is stale: /));
  });

  it('says when it runs past due, and fails the invocation (logged) when the report cannot be stored', async () => {
    const { context, logs } = invocationContext('reportTimer');
    // A database that does not exist: the real server answers 404 to the write.
    const missing = new CosmosReportStore(db.client, { databaseId: 'no-such-database' });
    const handler = createReportHandler({ sources: { clusters: () => Promise.resolve([]), indexStatus: () => Promise.resolve([]), findings: () => Promise.resolve({ findings: [] }) }, store: missing, now: () => new Date('2026-11-29T06:00:00.000Z') });
    await expect(handler(timerTrigger(true), context)).rejects.toThrow();
    expect(logs[0]).toMatch(/^warning report timer is past due/);
    expect(logs.at(-1)).toMatch(/^error report failed: /);
  });
});
