/**
 * `aks-access report --api URL`: the stored report read through the real REST handler (its fetch called
 * in-process, no socket), rendered locally in the format asked; a loopback URL sends no token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../../../test/helpers/cosmosServer.ts';
import { MemoryIndexStore } from '../../../test/helpers/memoryIndexStore.ts';
import { REPORT_INPUT } from '../../../test/helpers/reportFixtures.ts';
import { AccessQueries } from '../../api/AccessQueries.ts';
import { createAuthenticate } from '../../api/auth/createAuthenticate.ts';
import { createRestHandler } from '../../api/rest/createRestHandler.ts';
import { buildReport } from '../../reports/buildReport.ts';
import { CosmosReportStore } from '../../reports/CosmosReportStore.ts';
import { renderReport } from '../../reports/render/renderReport.ts';
import { AnswerShapeError } from '../crossPlane/accessPathFromJson.ts';
import { ApiCallError } from '../remote/apiClient.ts';
import { runCli } from '../runCli.ts';
import { reportCommand } from './reportCommand.ts';

let server: CosmosTestServer;
let apiFetch: typeof fetch;
const requests: string[] = [];
const older = buildReport(REPORT_INPUT, new Date('2026-11-27T06:00:00.000Z'));
const latest = buildReport({ ...REPORT_INPUT, findings: REPORT_INPUT.findings.slice(1) }, new Date('2026-11-28T06:00:00.000Z'));
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  server = await startCosmosServer();
  const db = await createTestIndexStore(server);
  const reports = new CosmosReportStore(db.client, { databaseId: db.databaseId });
  await reports.writeReport(older);
  await reports.writeReport(latest);
  const handler = createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: createAuthenticate({ localMode: true }), reports });
  apiFetch = (input, init) => {
    const request = new Request(input instanceof Request ? input.url : String(input), init);
    requests.push(`${request.url} authorization=${request.headers.get('authorization') ?? 'none'}`);
    return handler(request, { remoteAddress: '127.0.0.1' });
  };
}, 30_000);

afterAll(async () => {
  await server.close();
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('aks-access report --api', () => {
  it('prints the latest stored report in the format asked, without a token on localhost', async () => {
    for (const format of ['md', 'csv', 'html', 'json'] as const) {
      const { io: cliIo, out } = io();
      expect(await reportCommand(['--api', 'http://localhost:7071', '--format', format], cliIo, { client: { fetch: apiFetch } })).toBe(0);
      expect(out.join(''), format).toBe(renderReport(plain(latest), format));
    }
    expect(requests.at(-1)).toBe('http://localhost:7071/api/v1/report?format=json authorization=none');
  });

  it('--id reads an earlier report; an unknown id is the API\'s error, naming the stored ids', async () => {
    const { io: cliIo, out } = io();
    expect(await reportCommand(['--api', 'http://localhost:7071', '--id', older.id], cliIo, { client: { fetch: apiFetch } })).toBe(0);
    expect((JSON.parse(out.join('')) as { id: string }).id).toBe(older.id);
    await expect(reportCommand(['--api', 'http://localhost:7071', '--id', '20200101T000000Z'], io().io, { client: { fetch: apiFetch } })).rejects.toThrow(ApiCallError);
    await expect(reportCommand(['--api', 'http://localhost:7071', '--id', '20200101T000000Z'], io().io, { client: { fetch: apiFetch } })).rejects.toThrow(/no stored report "20200101T000000Z"; the latest are 20261128T060000Z, 20261127T060000Z/);
  });

  it('refuses an answer that is not a report, and a remote URL without a token scope', async () => {
    const notReport: typeof fetch = () => Promise.resolve(new Response(JSON.stringify({ clusters: [] }), { status: 200, headers: { 'content-type': 'application/json' } }));
    await expect(reportCommand(['--api', 'http://localhost:7071'], io().io, { client: { fetch: notReport } })).rejects.toThrow(AnswerShapeError);
    await expect(reportCommand(['--api', 'https://func-aks-access.azurewebsites.net'], io().io, { env: {}, client: { fetch: apiFetch } })).rejects.toThrow(/--api-scope/);
  });

  it('is a command of the CLI, listed in its usage', async () => {
    const { io: cliIo, out } = io();
    expect(await runCli(['--help'], cliIo)).toBe(0);
    expect(out.join('')).toMatch(/aks-access report \[--format json\|csv\|md\|html\] \[-o FILE\]/);
  });
});
