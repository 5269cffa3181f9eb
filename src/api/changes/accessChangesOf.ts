import type { AksCluster } from '../../model/aksCluster.ts';
import type { AccessModel } from '../../engine/access/accessModel.ts';
import { accessDigest, RISKY_CAPABILITIES, withStoredFindings, type AccessDigest } from '../../engine/changes/accessDigest.ts';
import { diffDigests, type AccessChange } from '../../engine/changes/diffDigests.ts';
import type { IndexStore } from '../../store/IndexStore.ts';
import type { Finding } from '../../engine/findings/Finding.ts';
import { QueryError } from '../QueryError.ts';

/*
 * accessChanges: each chosen cluster's access digest at `since` (the latest compiled at or before it, from the
 * history) against its current one, per principal. The current digest is the history's copy of the current
 * generation's, or — for a generation compiled before history was kept, or whose history write failed —
 * computed from the cluster's model (once per model).
 */

export interface AccessChangesQuery {
  /** ISO 8601 date-time. */
  readonly since: string;
  /** Cluster names or ARM ids (default: every cluster). */
  readonly clusters?: readonly string[];
  /** Only this principal: object id, UPN, Kubernetes name or display name (case-insensitive). */
  readonly principal?: string;
  /** Only changes that gained or lost this risky capability (`cluster-admin`, `secrets-read`, …). */
  readonly capability?: string;
}

export interface DigestRef {
  readonly generation: string;
  readonly compiledAt: string;
}

export interface ClusterChanges<F> {
  readonly cluster: F;
  /** The digest compared from; absent when the cluster has none at or before `since`. */
  readonly from?: DigestRef;
  readonly to: DigestRef;
  /** No digest at or before `since`: everything the cluster grants now is reported as gained. */
  readonly firstIndexedAfterSince: boolean;
  readonly note?: string;
  readonly changes: readonly AccessChange[];
}

export interface AccessChangesAnswer<F> {
  /** `since` as compared (ISO 8601, UTC). */
  readonly since: string;
  readonly clusters: readonly ClusterChanges<F>[];
}

export interface SelectedCluster<F> {
  readonly freshness: F;
  readonly generation: string;
  readonly compiledAt: string;
  readonly model: AccessModel;
  readonly cluster: AksCluster;
  /** The findings stored with the generation: a digest computed here reuses their risky-access ones, as the compile did. */
  readonly findings?: readonly Finding[];
}

/** Digests computed from a model, kept as long as the model is (AccessQueries caches one model per generation). */
const computed = new WeakMap<AccessModel, AccessDigest>();

/** `since` as an ISO instant, or a BAD_REQUEST saying what is wrong with it. */
export function parseSince(since: string, now: number): string {
  const at = Date.parse(since);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(since) || Number.isNaN(at)) throw new QueryError('BAD_REQUEST', `since="${since}" is not an ISO 8601 date-time: use e.g. 2026-11-28T00:00:00Z`);
  if (at > now) throw new QueryError('BAD_REQUEST', `since=${since} is in the future: changes are told up to now`);
  return new Date(at).toISOString();
}

function matchesPrincipal(change: AccessChange, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const p = change.principal;
  return [p.key, p.id, p.name, p.displayName ?? ''].some((x) => x.toLowerCase() === w);
}


export async function accessChangesOf<F>(store: Pick<IndexStore, 'readAccessDigestAt'>, selected: readonly SelectedCluster<F>[], query: AccessChangesQuery, now: number): Promise<AccessChangesAnswer<F>> {
  const since = parseSince(query.since, now);
  const capability = query.capability;
  if (capability !== undefined && !RISKY_CAPABILITIES.some((r) => r === capability)) throw new QueryError('BAD_REQUEST', `unknown capability "${capability}": use one of ${RISKY_CAPABILITIES.join(', ')}`);
  const clusters = await Promise.all(
    selected.map(async (s): Promise<ClusterChanges<F>> => {
      const [before, current] = await Promise.all([store.readAccessDigestAt(s.cluster.id, since), currentDigest(store, s)]);
      const to = { generation: s.generation, compiledAt: s.compiledAt };
      let changes = before?.generation === s.generation ? [] : diffDigests(before?.digest, current);
      if (query.principal !== undefined) changes = changes.filter((c) => matchesPrincipal(c, query.principal ?? ''));
      if (capability !== undefined) changes = changes.filter((c) => [...c.riskyGained, ...c.riskyLost].some((r) => r.capability === capability));
      if (before === undefined) {
        return {
          cluster: s.freshness,
          to,
          firstIndexedAfterSince: true,
          note: `${s.cluster.name} has no access digest at or before ${since}: it was first indexed after that (or its history is older than the history TTL, or predates access history) — everything it grants now is reported as gained`,
          changes,
        };
      }
      return { cluster: s.freshness, from: { generation: before.generation, compiledAt: before.compiledAt }, to, firstIndexedAfterSince: false, changes };
    }),
  );
  return { since, clusters };
}

async function currentDigest<F>(store: Pick<IndexStore, 'readAccessDigestAt'>, s: SelectedCluster<F>): Promise<AccessDigest> {
  const cached = computed.get(s.model);
  if (cached !== undefined) return cached;
  const stored = await store.readAccessDigestAt(s.cluster.id, s.compiledAt);
  const digest = stored?.generation === s.generation ? stored.digest : accessDigest(s.model, s.cluster, withStoredFindings(s.findings));
  computed.set(s.model, digest);
  return digest;
}
