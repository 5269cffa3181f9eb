/**
 * The risky-grant webhook against a real HTTP server on 127.0.0.1 that records every request and can fail the
 * first N of them: the Slack and Teams payloads as those webhooks take them, retries on 429/5xx/timeouts with a
 * bound, no retry on a refused request, nothing sent when nothing risky was gained, and never a throw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessDigest } from '../engine/changes/accessDigest.ts';
import { diffDigests } from '../engine/changes/diffDigests.ts';
import { cluster, clusterRole, clusterRoleBinding, rbacObjects, rule, user, userSubject, world } from '../../test/helpers/azureFixtures.ts';
import type { RiskyGrantsEvent } from './riskyGrantsView.ts';
import { webhookNotifier } from './riskyGrantNotifier.ts';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** What the server does with the next requests: answer each with the first reply left, then 200. */
type Reply = { status: number; retryAfter?: string; body?: string } | 'hang';

let server: Server;
let base: string;
const received: Recorded[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      const reply = replies.shift() ?? { status: 200, body: 'ok' };
      if (reply === 'hang') return; // never answers: the client's timeout must end it
      res.writeHead(reply.status, reply.retryAfter === undefined ? {} : { 'retry-after': reply.retryAfter });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterEach(() => {
  received.length = 0;
  replies = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

const C = cluster('aks-prod');
const BOB = user('b0b0b0b0-0000-4000-8000-000000000002', 'bob@contoso.com', 'Bob');

/** Bob gains cluster-admin between two digests of the same cluster. */
function bobGainsClusterAdmin(): RiskyGrantsEvent {
  const roles = [clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])])];
  const before = world({ clusters: [C], kubernetes: [[C, rbacObjects(...roles)]], users: [BOB] });
  const after = world({ clusters: [C], kubernetes: [[C, rbacObjects(...roles, clusterRoleBinding('bob-admin', 'cluster-admin', [userSubject('bob@contoso.com')]))]], users: [BOB] });
  return {
    clusterId: C.id,
    clusterName: C.name,
    generation: 'gen-2',
    compiledAt: '2026-11-29T10:00:00.000Z',
    previousCompiledAt: '2026-11-28T10:00:00.000Z',
    changes: diffDigests(accessDigest(before, C), accessDigest(after, C)),
  };
}

const FAST = { backoffMs: 5, maxBackoffMs: 50, timeoutMs: 2_000 };

describe('webhookNotifier', () => {
  it('Slack: one Block Kit message naming the principal, the capability and the binding', async () => {
    const outcome = await webhookNotifier({ url: `${base}/services/T0/B0/SECRET`, kind: 'slack', ...FAST }).notify(bobGainsClusterAdmin());
    expect(outcome).toMatchObject({ state: 'sent', attempts: 1, status: 200 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.contentType).toBe('application/json');
    const body = request?.body as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(body.text).toMatch(/^New risky access on aks-prod: 1 principal gained \d+ risky capabilities/);
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('bob@contoso.com (Bob) · User');
    expect(text).toContain('cluster-admin (critical) — [kubernetes] ClusterRoleBinding bob-admin → ClusterRole cluster-admin');
  });

  it('Teams: a message whose attachment is the Adaptive Card', async () => {
    const outcome = await webhookNotifier({ url: `${base}/workflows/abc/invoke?sig=SECRET`, kind: 'teams', ...FAST }).notify(bobGainsClusterAdmin());
    expect(outcome.state).toBe('sent');
    const body = received[0]?.body as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { text: string }[] } }[] };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]?.content).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(JSON.stringify(body.attachments[0]?.content.body)).toContain('bob@contoso.com (Bob) · User');
  });

  it.each<[string, Reply[], { state: string; attempts: number; status?: number }, number]>([
    ['503 twice, then accepted', [{ status: 503 }, { status: 503 }], { state: 'sent', attempts: 3, status: 200 }, 3],
    ['429 with Retry-After: 0, then accepted', [{ status: 429, retryAfter: '0' }], { state: 'sent', attempts: 2, status: 200 }, 2],
    ['500 every time: gives up after the bound', [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }], { state: 'failed', attempts: 3, status: 500 }, 3],
    ['400 (a refused request): not retried', [{ status: 400, body: 'invalid_blocks' }], { state: 'failed', attempts: 1, status: 400 }, 1],
    ['404 (a deleted webhook): not retried', [{ status: 404, body: 'no_service' }], { state: 'failed', attempts: 1, status: 404 }, 1],
  ])('%s', async (_label, plan, expected, requests) => {
    replies = plan;
    const outcome = await webhookNotifier({ url: `${base}/hook/SECRET`, kind: 'slack', ...FAST, attempts: 3 }).notify(bobGainsClusterAdmin());
    expect(outcome).toMatchObject(expected);
    expect(received).toHaveLength(requests);
    if (outcome.state === 'failed') {
      expect(outcome.error).toContain(`webhook 127.0.0.1:`);
      expect(outcome.error).not.toContain('SECRET');
    }
  });

  it('a webhook that never answers: each attempt times out, and the notifier returns (does not hang or throw)', async () => {
    replies = ['hang', 'hang'];
    const started = Date.now();
    const outcome = await webhookNotifier({ url: `${base}/hook`, kind: 'teams', backoffMs: 5, maxBackoffMs: 20, timeoutMs: 200, attempts: 2 }).notify(bobGainsClusterAdmin());
    expect(outcome).toMatchObject({ state: 'failed', attempts: 2 });
    expect(outcome.state === 'failed' && outcome.error).toMatch(/no answer within 200 ms/);
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a closed port: failed, not thrown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => { resolve(); }));
    const outcome = await webhookNotifier({ url: `http://127.0.0.1:${String(port)}/hook`, kind: 'slack', ...FAST, attempts: 2 }).notify(bobGainsClusterAdmin());
    expect(outcome).toMatchObject({ state: 'failed', attempts: 2 });
  });

  it('nothing risky gained: nothing is sent', async () => {
    const event = bobGainsClusterAdmin();
    const outcome = await webhookNotifier({ url: `${base}/hook`, kind: 'slack', ...FAST }).notify({ ...event, changes: event.changes.map((c) => ({ ...c, riskyGained: [] })) });
    expect(outcome).toEqual({ state: 'skipped', reason: 'no new risky capability' });
    expect(received).toHaveLength(0);
  });
});
