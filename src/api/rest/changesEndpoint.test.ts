/**
 * GET /api/v1/changes over contoso's two stored generations (the second makes heidi cluster-admin on
 * aks-prod-weu): the JSON answer, its Markdown / Slack / Teams renderings naming the change, and 400s that say
 * which parameter is wrong and what it expects.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BETWEEN, CHANGED_CLUSTER, contosoChangesStore, GAINED_BY } from '../../../test/helpers/contosoChanges.ts';
import { AccessQueries } from '../AccessQueries.ts';
import { createAuthenticate } from '../auth/createAuthenticate.ts';
import { createRestHandler, type RestHandler } from './createRestHandler.ts';

let handler: RestHandler;
const BASE = 'http://localhost:7071/api/v1';

beforeAll(async () => {
  const store = await contosoChangesStore();
  handler = createRestHandler({ queries: new AccessQueries(store, { now: () => Date.parse('2026-11-30T00:00:00Z') }), authenticate: createAuthenticate({ localMode: true }), log: () => undefined });
}, 60_000);

const get = (path: string, headers: Record<string, string> = {}) => handler(new Request(`${BASE}${path}`, { headers }), { remoteAddress: '127.0.0.1' });

interface ChangesJson {
  since: string;
  clusters: { cluster: string; firstIndexedAfterSince: boolean; from?: { generation: string }; changes: { change: string; principal: { name: string }; riskyGained: { capability: string }[]; grantsAdded: { text: string }[] }[] }[];
}

describe('GET /api/v1/changes', () => {
  it('JSON: since between the generations names exactly the change, per cluster', async () => {
    const response = await get(`/changes?since=${BETWEEN}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as ChangesJson;
    expect(body.since).toBe(BETWEEN);
    const changed = body.clusters.filter((c) => c.changes.length > 0);
    expect(changed.map((c) => [c.cluster, c.changes.map((x) => x.principal.name)])).toEqual([[CHANGED_CLUSTER, [GAINED_BY]]]);
    expect(changed[0]?.changes[0]?.grantsAdded.map((g) => g.text)).toEqual(['ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin (cluster-wide)']);
    expect(body.clusters.every((c) => !c.firstIndexedAfterSince && c.from !== undefined)).toBe(true);
  });

  it('who gained cluster-admin since yesterday, for one cluster, as Markdown', async () => {
    const text = await (await get(`/changes?since=${BETWEEN}&cluster=${CHANGED_CLUSTER}&capability=cluster-admin&format=markdown`)).text();
    expect(text).toContain(`### Access changes since ${BETWEEN.replace(/_/g, '\\_')}`);
    expect(text).toContain('1 principal change on 1 cluster');
    expect(text).toContain('**heidi@contoso.com (Heidi Novak) · User · changed** — now cluster-admin');
    expect(text).toContain('ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin (cluster-wide)');
  });

  it('Slack and Teams renderings carry the same change', async () => {
    const slack = (await (await get(`/changes?since=${BETWEEN}&format=slack`)).json()) as { blocks: unknown[] };
    expect(JSON.stringify(slack.blocks)).toContain('heidi@contoso.com (Heidi Novak) · User · changed');
    const teams = (await (await get(`/changes?since=${BETWEEN}&format=teams`)).json()) as { type: string; body: unknown[] };
    expect(teams.type).toBe('AdaptiveCard');
    expect(JSON.stringify(teams.body)).toContain('heidi@contoso.com (Heidi Novak) · User · changed');
  });

  it('a since before the first generation: everything is gained, and the note says why', async () => {
    const body = (await (await get(`/changes?since=2026-11-01T00:00:00Z&cluster=${CHANGED_CLUSTER}`)).json()) as ChangesJson & { clusters: { note?: string }[] };
    expect(body.clusters[0]?.firstIndexedAfterSince).toBe(true);
    expect(body.clusters[0]?.note).toMatch(/first indexed after that/);
    expect(new Set(body.clusters[0]?.changes.map((c) => c.change))).toEqual(new Set(['gained']));
  });

  it.each([
    ['/changes', 'since', /since/],
    ['/changes?since=yesterday', 'since', /ISO 8601/],
    [`/changes?since=${BETWEEN}&capability=root`, 'capability', /cluster-admin/],
  ])('400 for %s names the parameter', async (path, parameter, expected) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; parameter?: string; message: string; expected?: string } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.parameter).toBe(parameter);
    expect(`${body.error.message} ${body.error.expected ?? ''}`).toMatch(expected);
  });
});
