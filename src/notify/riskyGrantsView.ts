import type { AccessChange } from '../engine/changes/diffDigests.ts';
import type { ChatItem, ChatView } from '../api/rest/render/ChatView.ts';

/*
 * The message announcing new risky grants on one cluster: who gained which capability and the grant that gives
 * it, worst first, short enough for a chat card (the full list is `accessChanges` / GET /api/v1/changes).
 */

/** Lines in one message; the rest are counted. */
const MAX_ITEMS = 10;
const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface RiskyGrantsEvent {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly generation: string;
  /** ISO 8601 of the generation that shows the grants. */
  readonly compiledAt: string;
  /** ISO 8601 of the generation compared against. */
  readonly previousCompiledAt: string;
  readonly changes: readonly AccessChange[];
}

function principalTitle(c: AccessChange): string {
  const p = c.principal;
  const name = p.displayName !== undefined && p.displayName !== p.name ? `${p.name} (${p.displayName})` : p.name;
  return `${name} · ${p.kind}`;
}

/** The view of the risky capabilities gained in `event.changes`; undefined when none was gained. */
export function riskyGrantsView(event: RiskyGrantsEvent): ChatView | undefined {
  const gained = event.changes.flatMap((change) => change.riskyGained.map((risky) => ({ change, risky })));
  if (gained.length === 0) return undefined;
  gained.sort((a, b) => (SEVERITY_RANK[a.risky.severity] ?? 9) - (SEVERITY_RANK[b.risky.severity] ?? 9) || (a.change.principal.key < b.change.principal.key ? -1 : 1));
  const principals = new Set(gained.map((g) => g.change.principal.key)).size;
  const items: ChatItem[] = gained.slice(0, MAX_ITEMS).map(({ change, risky }) => ({
    title: principalTitle(change),
    detail: `${risky.capability} (${risky.severity}) — ${risky.evidence[0] ?? change.grantsAdded[0]?.text ?? 'see accessChanges'}${risky.evidence.length > 1 ? ` (+${risky.evidence.length - 1} more)` : ''}`,
  }));
  return {
    title: `New risky access on ${event.clusterName}`,
    summary: `${principals} principal${principals === 1 ? '' : 's'} gained ${gained.length} risky capabilit${gained.length === 1 ? 'y' : 'ies'} between ${event.previousCompiledAt} and ${event.compiledAt}`,
    sections: [
      {
        heading: 'Gained',
        facts: [
          ['Cluster', event.clusterId],
          ['Generation', event.generation],
        ],
        items,
        more: Math.max(0, gained.length - MAX_ITEMS),
      },
    ],
    notes: [`Every change since then: accessChanges(since: "${event.previousCompiledAt}", cluster: "${event.clusterName}") or GET /api/v1/changes?since=${event.previousCompiledAt}&cluster=${event.clusterName}`],
  };
}
