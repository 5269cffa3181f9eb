/**
 * GET /api/v1/report through the real REST handler, reading reports from a CosmosReportStore on the in-process
 * Cosmos server: every format with its media type, the latest by default or one by id, precise errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../../test/helpers/memoryIndexStore.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../../../test/helpers/cosmosServer.ts';
import { REPORT_INPUT } from '../../../test/helpers/reportFixtures.ts';
import { buildReport } from '../../reports/buildReport.ts';
import { CosmosReportStore } from '../../reports/CosmosReportStore.ts';
import { renderReport } from '../../reports/render/renderReport.ts';
import { AccessQueries } from '../AccessQueries.ts';
import { QueryError } from '../QueryError.ts';
import { ROLE_ADMIN, ROLE_READ, type Authenticate } from '../auth/Caller.ts';
import { createAuthenticate } from '../auth/createAuthenticate.ts';
import { createRestHandler, type RestHandler } from './createRestHandler.ts';

let server: CosmosTestServer;
let reports: CosmosReportStore;
let handler: RestHandler;
const LOCAL = { remoteAddress: '127.0.0.1' };
const BASE = 'http://localhost:7071/api/v1';
const older = buildReport(REPORT_INPUT, new Date('2026-11-27T06:00:00.000Z'));
const latest = buildReport({ ...REPORT_INPUT, findings: REPORT_INPUT.findings.slice(0, 2) }, new Date('2026-11-28T06:00:00.000Z'));

beforeAll(async () => {
  server = await startCosmosServer();
  const db = await createTestIndexStore(server);
  reports = new CosmosReportStore(db.client, { databaseId: db.databaseId });
  handler = createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: createAuthenticate({ localMode: true }), reports });
}, 30_000);

afterAll(async () => {
  await server.close();
});

const get = (path: string, h: RestHandler = handler) => h(new Request(`${BASE}${path}`), LOCAL);

describe('GET /api/v1/report', () => {
  it('answers 503 with Retry-After before the first report, saying what writes it', async () => {
    const response = await get('/report');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_INDEXED');
    expect(body.error.message).toMatch(/AKS_ACCESS_REPORT_SCHEDULE/);
  });

  it('serves the latest stored report in every format with its media type; HTML with a CSP that forbids fetching', async () => {
    await reports.writeReport(older);
    await reports.writeReport(latest);
    const json = await get('/report');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(latest)));

    const expected = JSON.parse(JSON.stringify(latest)) as typeof latest;
    for (const [format, type] of [
      ['csv', 'text/csv; charset=utf-8; header=present'],
      ['md', 'text/markdown; charset=utf-8'],
      ['html', 'text/html; charset=utf-8'],
    ] as const) {
      const response = await get(`/report?format=${format}`);
      expect(response.status, format).toBe(200);
      expect(response.headers.get('content-type'), format).toBe(type);
      expect(await response.text(), format).toBe(renderReport(expected, format));
    }
    const html = await get('/report?format=html');
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves an earlier report by id, and names the stored ids when the id is unknown', async () => {
    const byId = await get(`/report?id=${older.id}&format=json`);
    expect(((await byId.json()) as { id: string }).id).toBe(older.id);
    const unknown = await get('/report?id=20200101T000000Z');
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as { error: { parameter: string; message: string } };
    expect(body.error.parameter).toBe('id');
    expect(body.error.message).toBe(`no stored report "20200101T000000Z"; the latest are ${latest.id}, ${older.id}`);
  });

  it('refuses an unknown format or a malformed id, naming what is allowed', async () => {
    const pdf = await get('/report?format=pdf');
    expect(pdf.status).toBe(400);
    expect(((await pdf.json()) as { error: { parameter: string; expected: string } }).error).toMatchObject({ parameter: 'format', expected: 'json, csv, md, html' });
    const bad = await get('/report?id=../../etc');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe('id');
    expect((await get('/report?top=5')).status).toBe(400);
  });

  it("shows failing units' messages and needed permissions to Access.Admin only, as /status does", async () => {
    type Units = { units: { failing: { unit: string; state: string; message?: string }[] }; warnings: string[] };
    const as = (roles: string[]) => createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: () => Promise.resolve({ id: 'someone', roles, via: 'bearer' }), reports });
    const reader = (await (await get('/report', as([ROLE_READ]))).json()) as Units;
    expect(reader.units.failing).toEqual([{ unit: 'k8s-rbac/cluster:aks-dev-weu', state: 'transient', lastAttempt: '2026-11-28T05:46:00.000Z', lastSuccess: '2026-11-27T05:46:00.000Z' }]);
    expect(reader.warnings.at(-1)).toBe("failing units' messages and the permissions they need are shown to the app role Access.Admin only (as in /status)");
    const admin = (await (await get('/report', as([ROLE_ADMIN]))).json()) as Units;
    expect(admin.units.failing[0]?.message).toBe('503 from the API server');
    expect(admin.warnings).not.toContain(reader.warnings.at(-1));
    // The rendered formats follow the JSON they are made from.
    expect(await (await get('/report?format=md', as([ROLE_READ]))).text()).toContain('| k8s-rbac/cluster:aks-dev-weu | transient | 2026-11-27T05:46:00.000Z |  |  |');
    expect(await (await get('/report?format=md', as([ROLE_ADMIN]))).text()).toContain('| k8s-rbac/cluster:aks-dev-weu | transient | 2026-11-27T05:46:00.000Z | 503 from the API server |  |');
  });

  it('needs a caller like every endpoint, and says so when the host keeps no reports', async () => {
    const noToken: Authenticate = () => Promise.reject(new QueryError('UNAUTHENTICATED', 'send a token'));
    expect((await get('/report', createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: noToken, reports }))).status).toBe(401);
    const reader: Authenticate = () => Promise.resolve({ id: 'reader', roles: [ROLE_READ], via: 'bearer' });
    const without = await get('/report', createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: reader }));
    expect(without.status).toBe(503);
    expect(((await without.json()) as { error: { message: string } }).error.message).toMatch(/not configured/);
  });
});
