import type { AccessChange } from '../../engine/changes/diffDigests.ts';
import { RISKY_CAPABILITIES } from '../../engine/changes/accessDigest.ts';
import type { ClusterFreshness } from '../AccessQueries.ts';
import type { AccessChangesAnswer } from '../changes/accessChangesOf.ts';
import type { Endpoint } from './endpoints.ts';
import type { ViewOptions } from './chatViews.ts';
import type { ChatItem, ChatSection, ChatView } from './render/ChatView.ts';

/** Clusters in one chat message; the rest are counted. */
const MAX_CLUSTERS = 5;

function principalTitle(c: AccessChange): string {
  const p = c.principal;
  const name = p.displayName !== undefined && p.displayName !== p.name ? `${p.name} (${p.displayName})` : p.name;
  return `${name} · ${p.kind} · ${c.change}`;
}

/** The first thing an auditor wants to read about a change: a risky capability gained, else the first grant that differs. */
function changeDetail(c: AccessChange): string {
  const risky = c.riskyGained.map((r) => r.capability);
  const lost = c.riskyLost.map((r) => r.capability);
  const first = c.evidence.find((e) => e.startsWith('gained:') || e.startsWith('lost:')) ?? c.evidence[0] ?? '';
  const more = c.grantsAdded.length + c.grantsRemoved.length - 1;
  return [...(risky.length > 0 ? [`now ${risky.join(', ')}`] : []), ...(lost.length > 0 ? [`no longer ${lost.join(', ')}`] : []), `${first}${more > 0 ? ` (+${more} more)` : ''}`].join(' — ');
}

function changesView(answer: AccessChangesAnswer<ClusterFreshness>, options: ViewOptions): ChatView {
  const total = answer.clusters.reduce((n, c) => n + c.changes.length, 0);
  const shown = answer.clusters.filter((c) => c.changes.length > 0).slice(0, MAX_CLUSTERS);
  const sections: ChatSection[] = shown.map((c) => {
    // Risky gains first: they are what the message is for.
    const ordered = [...c.changes].sort((a, b) => b.riskyGained.length - a.riskyGained.length);
    const items: ChatItem[] = ordered.slice(0, options.top).map((x) => ({ title: principalTitle(x), detail: changeDetail(x) }));
    const count = (kind: AccessChange['change']) => String(c.changes.filter((x) => x.change === kind).length);
    return {
      heading: c.cluster.name,
      facts: [
        ['Gained', count('gained')],
        ['Lost', count('lost')],
        ['Changed', count('changed')],
        ['Risky capabilities gained', String(c.changes.reduce((n, x) => n + x.riskyGained.length, 0))],
      ],
      items,
      more: Math.max(0, c.changes.length - options.top),
    };
  });
  const hidden = answer.clusters.filter((c) => c.changes.length > 0).length - shown.length;
  return {
    title: `Access changes since ${answer.since}`,
    summary: `${String(total)} principal change${total === 1 ? '' : 's'} on ${String(answer.clusters.length)} cluster${answer.clusters.length === 1 ? '' : 's'}`,
    sections,
    notes: [
      ...answer.clusters.flatMap((c) => (c.note === undefined ? [] : [c.note])),
      ...answer.clusters.filter((c) => c.cluster.stale).map((c) => `⚠ ${c.cluster.name} answers from older data: ${c.cluster.staleReasons.join('; ')}`),
      ...(hidden > 0 ? [`+${String(hidden)} more cluster(s) in the full answer`] : []),
    ],
    link: { label: 'Full answer (JSON)', url: options.link },
  };
}

/** GET /api/v1/changes: who gained, lost or changed access since a time. */
export const changesEndpoint: Endpoint = {
  path: '/changes',
  operationId: 'accessChanges',
  summary: 'Who gained, lost or changed access since a time, per cluster and principal, with the grants and risky capabilities that differ',
  description:
    'Each cluster\'s access digest at `since` (the latest compiled at or before it; history is kept ACCESS_HISTORY_TTL_DAYS, default 90) against its current one. A principal\'s access is what bindings and Azure role assignments name it and what it holds through its Entra groups; a renamed principal is not a change. A cluster first indexed after `since` reports everything as gained (`firstIndexedAfterSince`, with a note). Who gained cluster-admin since yesterday: `?since=…&capability=cluster-admin`.',
  pathParameters: [],
  parameters: [
    { name: 'since', type: 'string', required: true, pattern: /^\d{4}-\d{2}-\d{2}T/, description: 'ISO 8601 date-time: changes after this instant.', expected: 'an ISO 8601 date-time such as 2026-11-28T00:00:00Z', example: '2026-11-28T00:00:00Z' },
    { name: 'cluster', type: 'string', description: 'A cluster name or ARM resource id; default every indexed cluster.', expected: 'a cluster name such as aks-prod-weu, or its ARM id (GET /api/v1/clusters lists them)', example: 'aks-prod-weu' },
    { name: 'principal', type: 'string', description: 'Only this principal: object id, UPN, Kubernetes name or display name (case-insensitive).', expected: 'an object id, a UPN such as alice@contoso.com, or a name', example: 'alice@contoso.com' },
    { name: 'capability', type: 'string', enum: RISKY_CAPABILITIES, description: 'Only changes that gained or lost this risky capability.', expected: RISKY_CAPABILITIES.join(', '), example: 'cluster-admin' },
  ],
  run: async ({ params, queries }) => {
    const cluster = params.text('cluster');
    const principal = params.text('principal');
    const capability = params.text('capability');
    const answer = await queries.accessChanges({
      since: params.text('since') ?? '',
      ...(cluster === undefined ? {} : { clusters: [cluster] }),
      ...(principal === undefined ? {} : { principal }),
      ...(capability === undefined ? {} : { capability }),
    });
    const json = { since: answer.since, clusters: answer.clusters.map((c) => ({ ...c, cluster: c.cluster.name, freshness: c.cluster })) };
    return { json, chat: (options) => changesView(answer, options) };
  },
};
