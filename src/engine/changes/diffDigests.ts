import type { AccessDigest, DigestGrant, DigestPrincipal, DigestPrincipalKind, RiskyCapability, RiskyCapabilityName } from './accessDigest.ts';

/*
 * Two digests of one cluster → who gained, lost or changed access, per principal, with the grants and risky
 * capabilities that differ. Compared on what a principal holds (grant keys, capability names), never on how it
 * is called: a renamed user is not a change. A principal holds its own grants and, through each Entra group it
 * is in, the group's (effectiveAccess) — so a user added to an admin group gains cluster-admin "via group".
 */

export interface ChangedGrant {
  readonly plane: DigestGrant['plane'];
  readonly text: string;
  /** What the role allows (the digest's rule lines). */
  readonly rules: readonly string[];
  /** The Entra group the principal holds it through (display name, else object id). */
  readonly viaGroup?: string;
}

export interface AccessChangePrincipal {
  readonly key: string;
  readonly id: string;
  readonly kind: DigestPrincipalKind;
  readonly name: string;
  readonly displayName?: string;
}

export interface AccessChange {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly principal: AccessChangePrincipal;
  /** gained: held nothing before; lost: holds nothing now; changed: holds something else. */
  readonly change: 'gained' | 'lost' | 'changed';
  readonly grantsAdded: readonly ChangedGrant[];
  readonly grantsRemoved: readonly ChangedGrant[];
  readonly riskyGained: readonly RiskyCapability[];
  readonly riskyLost: readonly RiskyCapability[];
  /** The change in sentences, for auditors and chat. */
  readonly evidence: readonly string[];
}

interface EffectiveAccess {
  readonly grants: ReadonlyMap<string, ChangedGrant>;
  readonly risky: ReadonlyMap<RiskyCapabilityName, RiskyCapability>;
}

const NONE: EffectiveAccess = { grants: new Map(), risky: new Map() };

/** What the principal holds on the digest's cluster: its own grants and capabilities, and those of its groups. */
export function effectiveAccess(digest: AccessDigest, principal: DigestPrincipal, byKey?: ReadonlyMap<string, DigestPrincipal>): EffectiveAccess {
  const lookup = byKey ?? new Map(digest.principals.map((p) => [p.key, p]));
  const grants = new Map<string, ChangedGrant>();
  const risky = new Map<RiskyCapabilityName, RiskyCapability>();
  const take = (holder: DigestPrincipal, viaGroup: string | undefined) => {
    for (const g of holder.grants) {
      grants.set(viaGroup === undefined ? g.key : `${g.key}|via:${holder.key}`, { plane: g.plane, text: g.text, rules: digest.rules[g.rules] ?? [], ...(viaGroup === undefined ? {} : { viaGroup }) });
    }
    for (const r of holder.risky) {
      const evidence = viaGroup === undefined ? r.evidence : r.evidence.map((e) => `through group ${viaGroup}: ${e}`);
      const held = risky.get(r.capability);
      risky.set(r.capability, held === undefined ? { ...r, evidence } : { ...held, evidence: [...held.evidence, ...evidence] });
    }
  };
  take(principal, undefined);
  for (const groupKey of principal.groups) {
    const group = lookup.get(groupKey);
    if (group !== undefined) take(group, group.displayName ?? group.id);
  }
  return { grants, risky };
}

function describeGrant(g: ChangedGrant): string {
  return `${g.text}${g.viaGroup === undefined ? '' : ` via group ${g.viaGroup}`}`;
}

function sortedByText(xs: ChangedGrant[]): ChangedGrant[] {
  return xs.sort((a, b) => (describeGrant(a) < describeGrant(b) ? -1 : 1));
}

/**
 * The per-principal differences from `before` to `after` (either may be absent: a cluster first indexed, or
 * gone). Principals whose grants and capabilities are the same produce no entry. Sorted by principal key.
 */
export function diffDigests(before: AccessDigest | undefined, after: AccessDigest | undefined): AccessChange[] {
  const cluster = after ?? before;
  if (cluster === undefined) return [];
  const beforeByKey = new Map((before?.principals ?? []).map((p) => [p.key, p]));
  const afterByKey = new Map((after?.principals ?? []).map((p) => [p.key, p]));
  const keys = [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])].sort();
  const changes: AccessChange[] = [];
  for (const key of keys) {
    const was = beforeByKey.get(key);
    const is = afterByKey.get(key);
    const old = was === undefined || before === undefined ? NONE : effectiveAccess(before, was, beforeByKey);
    const now = is === undefined || after === undefined ? NONE : effectiveAccess(after, is, afterByKey);
    const grantsAdded = sortedByText([...now.grants].filter(([k]) => !old.grants.has(k)).map(([, g]) => g));
    const grantsRemoved = sortedByText([...old.grants].filter(([k]) => !now.grants.has(k)).map(([, g]) => g));
    const riskyGained = [...now.risky.values()].filter((r) => !old.risky.has(r.capability));
    const riskyLost = [...old.risky.values()].filter((r) => !now.risky.has(r.capability));
    if (grantsAdded.length + grantsRemoved.length + riskyGained.length + riskyLost.length === 0) continue;
    const held = (a: EffectiveAccess) => a.grants.size + a.risky.size > 0;
    const change = !held(old) ? 'gained' : !held(now) ? 'lost' : 'changed';
    // The current name when the principal is still there: a rename alone never makes an entry, and is not shown as one.
    const p = is ?? was;
    if (p === undefined) continue;
    changes.push({
      clusterId: cluster.clusterId,
      clusterName: cluster.clusterName,
      principal: { key: p.key, id: p.id, kind: p.kind, name: p.name, ...(p.displayName === undefined ? {} : { displayName: p.displayName }) },
      change,
      grantsAdded,
      grantsRemoved,
      riskyGained,
      riskyLost,
      evidence: [
        ...grantsAdded.map((g) => `gained: ${describeGrant(g)}`),
        ...grantsRemoved.map((g) => `lost: ${describeGrant(g)}`),
        ...riskyGained.map((r) => `now ${r.capability} (${r.severity}): ${r.evidence.join('; ')}`),
        ...riskyLost.map((r) => `no longer ${r.capability} (${r.severity})`),
      ],
    });
  }
  return changes;
}
