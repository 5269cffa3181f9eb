import type { Finding } from './Finding.ts';
import { KIND_FILTER_VALUES, kindFilterCategory, matchesKindFilter } from './Finding.ts';

/*
 * Suppressions: an accepted finding, with who accepted it, why, and until when. A suppressed finding is moved
 * aside and reported as suppressed (never dropped); once the expiry passes, the suppression stops applying and
 * is itself reported, so an acceptance cannot outlive its review date silently.
 */

/** Which findings a suppression covers; every field given must match (case-insensitive). */
export interface SuppressionMatch {
  /** A finding kind (`risky-access`, `missing-cluster-identity-permission`, …) or a category (`risky`, `cluster-identity`, `escalation`). */
  readonly kind: string;
  /** The risky rule, the escalation technique, or the identity finding's condition or permission. */
  readonly rule?: string;
  /** The cluster's name or ARM id. */
  readonly cluster?: string;
  /** The Entra object id of the principal (identity findings, subjects with an object id). */
  readonly principalId?: string;
  /** The subject: a user or group name, `NAMESPACE/NAME` of a service account, or `control-plane`/`kubelet`. */
  readonly subject?: string;
  /** The finding's scope (an ARM id), exactly. */
  readonly scope?: string;
}

export interface Suppression {
  readonly match: SuppressionMatch;
  readonly owner: string;
  readonly reason: string;
  /** ISO 8601 date (`2027-03-31`: applies through that day, UTC) or date-time. */
  readonly expires: string;
}

/** The suppression as reported next to what it covers: where it is in its source, and the acceptance. */
export interface SuppressionRef {
  /** `FILE entry N` (1-based). */
  readonly entry: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
}

export interface SuppressedFinding {
  readonly finding: Finding;
  readonly suppression: SuppressionRef;
}

export interface ExpiredSuppression extends SuppressionRef {
  readonly match: SuppressionMatch;
  /** How many findings it would cover were it still in force. */
  readonly wouldMatch: number;
}

export interface SuppressionResult {
  /** Findings no suppression in force covers. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly expired: readonly ExpiredSuppression[];
  /** One line per expired suppression, for warnings. */
  readonly warnings: readonly string[];
}

/** A suppressions source that cannot be used: which entry, what is wrong, how to fix it. */
export class SuppressionError extends Error {
  override readonly name = 'SuppressionError';
}

export interface ParsedSuppression extends Suppression {
  /** `SOURCE entry N`. */
  readonly entry: string;
  /** Epoch ms from which it no longer applies. */
  readonly expiresAt: number;
}

const MATCH_FIELDS = ['kind', 'rule', 'cluster', 'principalId', 'subject', 'scope'] as const;
const ENTRY_FIELDS = new Set(['match', 'owner', 'reason', 'expires']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** When the expiry stops applying (epoch ms), or undefined when it is not an ISO date. A date covers its whole day (UTC). */
function expiryOf(value: string): number | undefined {
  if (DATE_ONLY.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2026-02-31 over; the round trip rejects it.
    return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value ? undefined : t + DAY_MS;
  }
  if (!DATE_TIME.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Suppressions from a parsed YAML/JSON value: a list, or `{ suppressions: [...] }`. Each entry needs `match`
 * (with `kind`), `owner`, `reason` and `expires`; anything missing, unknown or malformed is an error naming
 * the entry, so a typo never widens or drops an acceptance.
 */
export function parseSuppressions(value: unknown, source: string): ParsedSuppression[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.suppressions) ? value.suppressions : undefined;
  if (list === undefined) {
    if (value === null || value === undefined) return [];
    throw new SuppressionError(`${source}: expected a list of suppressions (or "suppressions: [...]"), got ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return list.map((raw, i): ParsedSuppression => {
    const entry = `${source} entry ${String(i + 1)}`;
    if (!isObject(raw)) throw new SuppressionError(`${entry}: expected a mapping with match, owner, reason and expires`);
    const unknown = Object.keys(raw).filter((k) => !ENTRY_FIELDS.has(k));
    if (unknown.length > 0) throw new SuppressionError(`${entry}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')} (fields: match, owner, reason, expires)`);
    const text = (field: string, how: string) => {
      const v = raw[field];
      if (typeof v !== 'string' || v.trim() === '') throw new SuppressionError(`${entry}: no ${field} — ${how}`);
      return v.trim();
    };
    const owner = text('owner', 'add "owner:" naming the person or team who accepted the finding');
    const reason = text('reason', 'add "reason:" saying why the finding is accepted');
    const expiresRaw = raw.expires instanceof Date ? raw.expires.toISOString() : raw.expires;
    if (typeof expiresRaw !== 'string' || expiresRaw.trim() === '') throw new SuppressionError(`${entry}: no expires — add "expires: YYYY-MM-DD", the date the acceptance must be reviewed by`);
    const expires = expiresRaw.trim();
    const expiresAt = expiryOf(expires);
    if (expiresAt === undefined) throw new SuppressionError(`${entry}: expires "${expires}" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)`);
    const m = raw.match;
    if (!isObject(m)) throw new SuppressionError(`${entry}: no match — add "match:" with at least "kind:" (${KIND_FILTER_VALUES.join(', ')})`);
    const unknownMatch = Object.keys(m).filter((k) => !(MATCH_FIELDS as readonly string[]).includes(k));
    if (unknownMatch.length > 0) throw new SuppressionError(`${entry}: unknown match field ${unknownMatch.map((k) => `"${k}"`).join(', ')} (match fields: ${MATCH_FIELDS.join(', ')})`);
    const match: Record<string, string> = {};
    for (const field of MATCH_FIELDS) {
      const v = m[field];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string' || v.trim() === '') throw new SuppressionError(`${entry}: match.${field} must be a non-empty string`);
      match[field] = v.trim();
    }
    const kind = match.kind;
    if (kind === undefined) throw new SuppressionError(`${entry}: match.kind is missing (${KIND_FILTER_VALUES.join(', ')})`);
    if (kindFilterCategory(kind) === undefined) throw new SuppressionError(`${entry}: match.kind "${kind}" is not a finding kind (${KIND_FILTER_VALUES.join(', ')})`);
    return { match: match as unknown as SuppressionMatch, owner, reason, expires, entry, expiresAt };
  });
}

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
const normScope = (s: string) => s.replace(/\/+$/, '').toLowerCase();

/** Whether a suppression's match covers the finding: every given field must agree. */
export function suppressionMatches(match: SuppressionMatch, f: Finding): boolean {
  if (!matchesKindFilter(f, match.kind)) return false;
  if (match.cluster !== undefined && !eq(f.clusterName, match.cluster) && !eq(f.clusterId, match.cluster)) return false;
  if (match.rule !== undefined) {
    const rules =
      f.kind === 'risky-access' ? [f.rule] : f.kind === 'escalation-path' ? [f.technique] : f.kind === 'missing-cluster-identity-permission' ? [f.condition, f.permission] : [f.role];
    if (!rules.some((r) => eq(r, match.rule ?? ''))) return false;
  }
  if (match.principalId !== undefined) {
    const ids = f.kind === 'risky-access' ? [f.subject.objectId] : f.kind === 'escalation-path' ? [f.principalId, f.subject.objectId] : [f.principalId];
    if (!ids.some((id) => eq(id, match.principalId ?? ''))) return false;
  }
  if (match.subject !== undefined) {
    const names =
      f.kind === 'risky-access' || f.kind === 'escalation-path'
        ? [f.subject.name, f.subject.namespace === undefined ? undefined : `${f.subject.namespace}/${f.subject.name}`, f.subject.objectId]
        : [f.identity];
    if (!names.some((n) => eq(n, match.subject ?? ''))) return false;
  }
  if (match.scope !== undefined) {
    const scope = f.kind === 'risky-access' ? undefined : f.scope;
    if (scope === undefined || normScope(scope) !== normScope(match.scope)) return false;
  }
  return true;
}

/**
 * Applies suppressions at `now` (epoch ms): findings covered by a suppression in force (the first that
 * matches) move to `suppressed`; expired suppressions apply to nothing and are reported with what they
 * would still cover.
 */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly ParsedSuppression[], now: number): SuppressionResult {
  const active = suppressions.filter((s) => s.expiresAt > now);
  const expired = suppressions.filter((s) => s.expiresAt <= now);
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const ref = (s: ParsedSuppression): SuppressionRef => ({ entry: s.entry, owner: s.owner, reason: s.reason, expires: s.expires });
  for (const f of findings) {
    const by = active.find((s) => suppressionMatches(s.match, f));
    if (by === undefined) kept.push(f);
    else suppressed.push({ finding: f, suppression: ref(by) });
  }
  const expiredOut = expired.map((s): ExpiredSuppression => ({ ...ref(s), match: s.match, wouldMatch: findings.filter((f) => suppressionMatches(s.match, f)).length }));
  const warnings = expiredOut.map(
    (s) => `expired suppression: ${s.entry} (owner ${s.owner}, expired ${s.expires}) no longer applies${s.wouldMatch > 0 ? ` — ${String(s.wouldMatch)} finding(s) it covered are reported again` : ''}; renew its expiry or remove it`,
  );
  return { findings: kept, suppressed, expired: expiredOut, warnings };
}
