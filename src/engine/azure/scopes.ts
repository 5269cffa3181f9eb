import type { ScopeParent } from '../../model/azureRbac.ts';

/** Lower-cased, no trailing slash (except the root "/"): the form scopes are compared in. */
export function normalizeScope(scope: string): string {
  const trimmed = scope.trim().replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.toLowerCase();
}

const MG_PREFIX = '/providers/microsoft.management/managementgroups/';

export function isManagementGroupScope(scope: string): boolean {
  return normalizeScope(scope).startsWith(MG_PREFIX);
}

export function subscriptionOf(scope: string): string | undefined {
  const match = /^\/subscriptions\/([^/]+)/i.exec(scope.trim());
  return match?.[1]?.toLowerCase();
}

/**
 * The management-group tree, so that an assignment at a management group reaches the subscriptions below.
 * Parents are followed with a visited set: a malformed hierarchy with a loop cannot hang us.
 */
export interface ScopeHierarchy {
  /** Management groups above a subscription or management group, nearest first (normalised ids). */
  ancestorsOf(scope: string): readonly string[];
}

export function buildScopeHierarchy(parents: readonly ScopeParent[]): ScopeHierarchy {
  const parentOf = new Map<string, string>();
  for (const p of parents) parentOf.set(normalizeScope(p.id), normalizeScope(p.parentId));
  return {
    ancestorsOf(scope: string): readonly string[] {
      const out: string[] = [];
      const seen = new Set<string>();
      let current = parentOf.get(normalizeScope(scope));
      while (current !== undefined && !seen.has(current)) {
        seen.add(current);
        out.push(current);
        current = parentOf.get(current);
      }
      return out;
    },
  };
}

/**
 * Whether an assignment at `assignmentScope` applies at `target`: the same scope, a parent in the ARM id
 * path (subscription → resource group → resource → child such as `…/namespaces/NS`), a management group
 * above the target's subscription, or the root "/".
 */
export function scopeCovers(assignmentScope: string, target: string, hierarchy: ScopeHierarchy): boolean {
  const a = normalizeScope(assignmentScope);
  const t = normalizeScope(target);
  if (a === '/' || a === t) return true;
  if (t.startsWith(`${a}/`)) return true;
  if (a.startsWith(MG_PREFIX)) {
    const sub = subscriptionOf(t);
    const anchor = sub !== undefined ? `/subscriptions/${sub}` : t.startsWith(MG_PREFIX) ? t : undefined;
    return anchor !== undefined && hierarchy.ancestorsOf(anchor).includes(a);
  }
  return false;
}
