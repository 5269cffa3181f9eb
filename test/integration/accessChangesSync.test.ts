/**
 * Changes over time through the real sync: contoso from the simulated tenant (real SDK clients) into the
 * in-process Cosmos server with runSync, twice; between the runs one ClusterRoleBinding makes heidi
 * cluster-admin on aks-prod-weu. accessChanges(since between the runs) must report exactly that gain, and the
 * risky-grant webhook (a real HTTP server on 127.0.0.1) must have received exactly one message, naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/scenarioFile.ts';
import type { TenantScenario } from '../../src/sim/scenario/TenantScenario.ts';
import type { IndexStore } from '../../src/store/IndexStore.ts';
import type { SyncSummary } from '../../src/sync/runSync.ts';
import { syncScenario } from '../helpers/syncScenario.ts';
import { webhookNotifier } from '../../src/notify/riskyGrantNotifier.ts';
import type { AccessChangesRecorded } from '../../src/notify/recordAccessChanges.ts';
import { AccessQueries } from '../../src/api/AccessQueries.ts';
import { createTestIndexStore, startCosmosServer, type CosmosTestServer } from '../helpers/cosmosServer.ts';
import { fakeClock } from '../helpers/fakeTenant.ts';
import { HEIDI_ADMIN } from '../helpers/contosoChanges.ts';

const CONTOSO = fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url));
const PROD = 'aks-prod-weu';

let cosmos: CosmosTestServer;
let store: IndexStore;
let webhook: Server;
let webhookUrl: string;
const messages: { path: string; body: { text: string; blocks: unknown[] } }[] = [];
const clock = fakeClock('2026-11-28T08:00:00.000Z');
let run1: SyncSummary;
let run2: SyncSummary;

function syncAgainst(scenario: TenantScenario): Promise<SyncSummary> {
  const notifier = webhookNotifier({ url: webhookUrl, kind: 'slack', backoffMs: 10, timeoutMs: 5_000 });
  return syncScenario(scenario, { store, ...clock, notifier });
}

beforeAll(async () => {
  webhook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      messages.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string; blocks: unknown[] } });
      res.writeHead(200);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${String((webhook.address() as AddressInfo).port)}/services/T0/B0/hook`;
  cosmos = await startCosmosServer();
  ({ store } = await createTestIndexStore(cosmos));
  const s1 = await loadScenario(CONTOSO);
  const s2: TenantScenario = { ...s1, clusters: s1.clusters.map((c) => (c.arm.name !== PROD ? c : { ...c, kubernetes: { ...c.kubernetes, bindings: [...c.kubernetes.bindings, HEIDI_ADMIN] } })) };
  run1 = await syncAgainst(s1);
  run2 = await syncAgainst(s2);
}, 180_000);

afterAll(async () => {
  webhook.closeAllConnections();
  await new Promise<void>((resolve) => webhook.close(() => { resolve(); }));
  await cosmos.close();
});

describe('changes over time through the real sync', () => {
  it('both runs compile every cluster and write its access history; the first has nothing to compare with', () => {
    expect(run1.errors).toEqual([]);
    expect(run2.errors).toEqual([]);
    const changesOf = (summary: SyncSummary): Map<string, AccessChangesRecorded | undefined> =>
      new Map(summary.compiled.map((r): [string, AccessChangesRecorded | undefined] => [r.clusterId.split('/').pop() ?? '', r.state === 'compiled' ? r.changes : undefined]));
    const first = changesOf(run1);
    const second = changesOf(run2);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    expect(first.size).toBe(4);
    for (const changes of first.values()) expect(changes).toEqual({ history: 'written', notification: { state: 'skipped', reason: 'the cluster’s first access digest: nothing to compare with' } });
    for (const [name, changes] of second) {
      if (name === PROD) expect(changes).toMatchObject({ history: 'written', changed: 1, riskyGained: 8, notification: { state: 'sent', attempts: 1, status: 200, riskyGained: 8 } });
      else expect(changes).toMatchObject({ history: 'written', changed: 0, riskyGained: 0, notification: { state: 'skipped', reason: 'no new risky capability' } });
    }
  });

  it('accessChanges since between the runs reports exactly heidi gaining cluster-admin on aks-prod-weu', async () => {
    const queries = new AccessQueries(store);
    const answer = await queries.accessChanges({ since: run1.finishedAt });
    expect(answer.clusters.length).toBe(run1.compiled.length);
    const changes = answer.clusters.flatMap((c) => c.changes.map((x) => ({ cluster: c.cluster.name, principal: x.principal.name, change: x.change, added: x.grantsAdded.map((g) => g.text), removed: x.grantsRemoved.length })));
    expect(changes).toEqual([{ cluster: PROD, principal: 'heidi@contoso.com', change: 'changed', added: ['ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin (cluster-wide)'], removed: 0 }]);
    const gainedAdmin = (await queries.accessChanges({ since: run1.finishedAt, capability: 'cluster-admin' })).clusters.flatMap((c) => c.changes.map((x) => x.principal.name));
    expect(gainedAdmin).toEqual(['heidi@contoso.com']);
    // Since before the first run: no history then, so every cluster reports everything as gained and says so.
    const first = await queries.accessChanges({ since: '2026-11-01T00:00:00Z', clusters: [PROD] });
    expect(first.clusters[0]?.firstIndexedAfterSince).toBe(true);
  });

  it('the webhook received exactly one message, naming heidi, cluster-admin and the binding', () => {
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.path).toBe('/services/T0/B0/hook');
    expect(message?.body.text).toMatch(/^New risky access on aks-prod-weu: 1 principal gained 8 risky capabilities between /);
    const blocks = JSON.stringify(message?.body.blocks);
    expect(blocks).toContain('heidi@contoso.com (Heidi Novak) · User');
    expect(blocks).toContain('cluster-admin (critical) — [kubernetes] ClusterRoleBinding heidi-debug-admin → ClusterRole cluster-admin');
  });
});
