/** Query.reports and Query.report through yoga.fetch, reading a CosmosReportStore on the in-process Cosmos server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../../../../test/helpers/cosmosServer.ts';
import { ask, codes } from '../../../../test/helpers/graphqlClient.ts';
import { MemoryIndexStore } from '../../../../test/helpers/memoryIndexStore.ts';
import { REPORT_INPUT } from '../../../../test/helpers/reportFixtures.ts';
import { buildReport } from '../../../reports/buildReport.ts';
import { CosmosReportStore } from '../../../reports/CosmosReportStore.ts';
import { renderReport } from '../../../reports/render/renderReport.ts';
import { AccessQueries } from '../../AccessQueries.ts';
import { createAuthenticate } from '../../auth/createAuthenticate.ts';
import { ROLE_READ } from '../../auth/Caller.ts';
import { createYoga, type GraphqlServer } from '../createYoga.ts';

let server: CosmosTestServer;
let yoga: GraphqlServer;
let empty: GraphqlServer;
let store: CosmosReportStore;
const older = buildReport(REPORT_INPUT, new Date('2026-11-27T06:00:00.000Z'));
const latest = buildReport({ ...REPORT_INPUT, findings: REPORT_INPUT.findings.slice(2) }, new Date('2026-11-28T06:00:00.000Z'));
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  server = await startCosmosServer();
  const db = await createTestIndexStore(server);
  const reports = new CosmosReportStore(db.client, { databaseId: db.databaseId });
  store = reports;
  const authenticate = createAuthenticate({ localMode: true });
  empty = createYoga({ queries: new AccessQueries(new MemoryIndexStore()), reports, authenticate, log: () => undefined });
  const emptyAnswer = await ask<{ report: unknown; reports: unknown[] }>(empty, '{ report { id } reports { id } }');
  expect(emptyAnswer.data).toEqual({ report: null, reports: [] });
  await reports.writeReport(older);
  await reports.writeReport(latest);
  yoga = createYoga({ queries: new AccessQueries(new MemoryIndexStore()), reports, authenticate, log: () => undefined });
}, 30_000);

afterAll(async () => {
  await server.close();
});

describe('GraphQL compliance reports', () => {
  it('reports: the summaries newest first, with counts by severity, cluster and kind', async () => {
    const reply = await ask<{ reports: { id: string; findings: number; bySeverity: Record<string, number>; byCluster: { name: string; total: number }[]; byKind: { kind: string; rule: string; count: number }[] }[] }>(
      yoga,
      '{ reports(first: 5) { id findings bySeverity { critical high medium low } byCluster { name total } byKind { kind rule count } } }',
    );
    expect(reply.errors).toEqual([]);
    expect(reply.data?.reports.map((r) => r.id)).toEqual([latest.id, older.id]);
    expect(reply.data?.reports[0]).toEqual({
      id: latest.id,
      findings: latest.summary.findings,
      bySeverity: latest.summary.bySeverity,
      byCluster: latest.summary.byCluster.map((c) => ({ name: c.name, total: c.total })),
      byKind: Object.entries(latest.summary.byRule).map(([key, count]) => ({ kind: key.split(':')[0], rule: key.split(':')[1], count })),
    });
    const one = await ask<{ reports: unknown[] }>(yoga, '{ reports(first: 1) { id } }');
    expect(one.data?.reports).toHaveLength(1);
  });

  it('report: the latest (or one by id) with its stale clusters and trend; document renders each format as the REST endpoint does', async () => {
    const reply = await ask<{ report: { id: string; staleClusters: { name: string; reasons: string[] }[]; trend: { at: string; total: number }[]; json: string; csv: string; html: string; md: string } }>(
      yoga,
      '{ report { id staleClusters { name reasons } trend { at total } json: document csv: document(format: CSV) md: document(format: MD) html: document(format: HTML) } }',
    );
    expect(reply.errors).toEqual([]);
    const r = reply.data?.report;
    expect(r?.id).toBe(latest.id);
    expect(r?.staleClusters).toEqual(latest.staleClusters.map((c) => ({ name: c.name, reasons: c.reasons })));
    expect(r?.trend.at(-1)).toEqual({ at: latest.generatedAt, total: latest.summary.findings });
    expect(JSON.parse(r?.json ?? '')).toEqual(plain(latest));
    expect(r?.csv).toBe(renderReport(plain(latest), 'csv'));
    expect(r?.md).toBe(renderReport(plain(latest), 'md'));
    expect(r?.html).toBe(renderReport(plain(latest), 'html'));

    const byId = await ask<{ report: { id: string } | null }>(yoga, 'query ($id: String) { report(id: $id) { id } }', { variables: { id: older.id } });
    expect(byId.data?.report?.id).toBe(older.id);
    const none = await ask<{ report: { id: string } | null }>(yoga, '{ report(id: "20200101T000000Z") { id } }');
    expect(none.data?.report).toBeNull();
  });

  it("a caller without Access.Admin gets the report without the failing units' messages and permissions, and a warning saying so", async () => {
    const reader = createYoga({ queries: new AccessQueries(new MemoryIndexStore()), reports: store, authenticate: () => Promise.resolve({ id: 'r', roles: [ROLE_READ], via: 'bearer' }), log: () => undefined });
    const reply = await ask<{ report: { warnings: string[]; document: string } }>(reader, '{ report { warnings document } }');
    expect(reply.errors).toEqual([]);
    const json = JSON.parse(reply.data?.report.document ?? '{}') as { units: { failing: { message?: string }[] } };
    expect(json.units.failing.map((u) => u.message)).toEqual([undefined]);
    expect(reply.data?.report.warnings.at(-1)).toMatch(/shown to the app role Access\.Admin only/);
  });

  it('a malformed id is BAD_REQUEST; a host without reports says so', async () => {
    expect(codes(await ask(yoga, '{ report(id: "../x") { id } }'))).toEqual(['BAD_REQUEST']);
    const without = createYoga({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: createAuthenticate({ localMode: true }), log: () => undefined });
    const reply = await ask(without, '{ reports { id } }');
    expect(codes(reply)).toEqual(['NOT_INDEXED']);
    expect(reply.errors[0]?.message).toMatch(/not configured/);
  });
});
