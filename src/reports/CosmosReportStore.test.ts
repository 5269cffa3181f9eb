import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmosServer, createTestIndexStore, type CosmosTestServer, type TestIndexStore } from '../../test/helpers/cosmosServer.ts';
import { REPORT_INPUT, REPORT_NOW, scriptSubject } from '../../test/helpers/reportFixtures.ts';
import { REPORTS_CONTAINER } from '../store/containers.ts';
import { buildReport } from './buildReport.ts';
import { CosmosReportStore, REPORT_RETENTION_SECONDS } from './CosmosReportStore.ts';

let server: CosmosTestServer;
let db: TestIndexStore;

beforeAll(async () => {
  server = await startCosmosServer();
  db = await createTestIndexStore(server);
}, 30_000);

afterAll(async () => {
  await server.close();
});

const at = (iso: string) => new Date(iso);

describe('CosmosReportStore on the in-process Cosmos server', () => {
  it('has nothing before the first report', async () => {
    const store = new CosmosReportStore(db.client, { databaseId: db.databaseId });
    expect(await store.readLatest()).toBeUndefined();
    expect(await store.listSummaries(30)).toEqual([]);
    expect(await store.readReport('20260101T000000Z')).toBeUndefined();
  });

  it('writes reports, lists their summaries newest first (limited), reads the latest and any by id', async () => {
    const store = new CosmosReportStore(db.client, { databaseId: db.databaseId });
    const reports = ['2026-11-26T06:00:00.000Z', '2026-11-28T06:00:00.000Z', '2026-11-27T06:00:00.000Z'].map((t) => buildReport(REPORT_INPUT, at(t)));
    for (const r of reports) await store.writeReport(r);

    const summaries = await store.listSummaries(2);
    expect(summaries.map((s) => s.generatedAt)).toEqual(['2026-11-28T06:00:00.000Z', '2026-11-27T06:00:00.000Z']);
    expect(summaries[0]).toEqual(reports[1]?.summary);
    expect((await store.listSummaries(10)).map((s) => s.id)).toEqual(['20261128T060000Z', '20261127T060000Z', '20261126T060000Z']);
    expect(await store.listSummaries(0)).toEqual([]);

    expect(await store.readLatest()).toEqual(JSON.parse(JSON.stringify(reports[1])));
    expect(await store.readReport('20261126T060000Z')).toEqual(JSON.parse(JSON.stringify(reports[0])));
  });

  it('cuts a report larger than one document into chunks in its own partition and reads it back whole', async () => {
    const store = new CosmosReportStore(db.client, { databaseId: db.databaseId, retentionSeconds: 3600 });
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...scriptSubject, subject: { kind: 'User' as const, name: `user-${i}@contoso.com` }, summary: `${scriptSubject.summary} ${'x'.repeat(400)}` }));
    const big = buildReport({ ...REPORT_INPUT, findings: many }, at('2026-12-01T06:00:00.000Z'));
    expect(JSON.stringify(big).length).toBeGreaterThan(1_500_000);
    await store.writeReport(big);

    const back = await store.readLatest();
    expect(back?.findings).toHaveLength(3000);
    expect(back).toEqual(JSON.parse(JSON.stringify(big)));

    const container = db.client.database(db.databaseId).container(REPORTS_CONTAINER.id);
    const { resources: chunks } = await container.items
      .query<{ pk: string; index: number; chunks: number; ttl: number }>({ query: 'SELECT c.pk, c["index"], c.chunks, c.ttl FROM c WHERE c.type = @t AND c.reportId = @id', parameters: [{ name: '@t', value: 'reportChunk' }, { name: '@id', value: big.id }] })
      .fetchAll();
    expect(chunks.length).toBeGreaterThan(2);
    expect(new Set(chunks.map((c) => c.pk))).toEqual(new Set([`report:${big.id}`]));
    expect(chunks.every((c) => c.chunks === chunks.length && c.ttl === 3600)).toBe(true);
    const { resource: summary } = await container.item(big.id, 'summary').read<{ ttl: number; chunks: number }>();
    expect(summary?.chunks).toBe(chunks.length);

    // Written again, smaller: the old tail is gone and the small report reads back alone.
    const small = buildReport({ ...REPORT_INPUT, findings: [scriptSubject] }, at('2026-12-01T06:00:00.000Z'));
    await store.writeReport(small);
    expect(await store.readReport(big.id)).toEqual(JSON.parse(JSON.stringify(small)));
    const { resources: left } = await container.items.query({ query: 'SELECT c.id FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: `report:${big.id}` }] }).fetchAll();
    expect(left).toHaveLength(1);
  });

  it('replaces a report written again under the same id, and keeps documents for the default retention', async () => {
    const store = new CosmosReportStore(db.client, { databaseId: db.databaseId });
    const first = buildReport(REPORT_INPUT, REPORT_NOW);
    const again = buildReport({ ...REPORT_INPUT, findings: [] }, REPORT_NOW);
    await store.writeReport(first);
    await store.writeReport(again);
    expect((await store.readReport(first.id))?.summary.findings).toBe(0);
    const { resource } = await db.client.database(db.databaseId).container(REPORTS_CONTAINER.id).item(first.id, 'summary').read<{ ttl: number }>();
    expect(resource?.ttl).toBe(REPORT_RETENTION_SECONDS);
  });
});
