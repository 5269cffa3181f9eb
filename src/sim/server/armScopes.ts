import type { TenantScenario } from '../scenario/TenantScenario.ts';

/**
 * ARM scope arithmetic for the simulated Authorization provider, written independently of the engine's so
 * that the simulator stays an oracle for it: "at or above" a scope means the scope itself, a prefix of its
 * ARM id (resource group, subscription), a management group above its subscription, or the root "/".
 */
export interface ScopeTree {
  /** Lower-cased scope, single slashes, no trailing slash; "/" for the root. */
  canonical(scope: string): string;
  /** The scope and every scope above it (canonical). */
  atAndAbove(scope: string): ReadonlySet<string>;
  /** `candidate` is `scope` or above it. */
  isAtOrAbove(candidate: string, scope: string): boolean;
  /** `candidate` is strictly below `scope`. */
  isBelow(candidate: string, scope: string): boolean;
  /** The subscription a scope lies in (lower-cased id), if any. */
  subscriptionOf(scope: string): string | undefined;
}

const MG_PREFIX = '/providers/microsoft.management/managementgroups/';

export function createScopeTree(scenario: TenantScenario): ScopeTree {
  const parentOfGroup = new Map<string, string>();
  for (const mg of scenario.managementGroups) {
    if (mg.parent !== undefined) parentOfGroup.set(mg.name.toLowerCase(), mg.parent.toLowerCase());
  }
  const groupOfSubscription = new Map(scenario.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s.managementGroup.toLowerCase()]));

  const canonical = (scope: string): string => {
    const collapsed = scope.trim().replace(/\/{2,}/g, '/').replace(/\/+$/, '').toLowerCase();
    if (collapsed === '') return '/';
    return collapsed.startsWith('/') ? collapsed : `/${collapsed}`;
  };

  const groupChain = (group: string | undefined): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let g = group; g !== undefined && !seen.has(g); g = parentOfGroup.get(g)) {
      seen.add(g);
      out.push(`${MG_PREFIX}${g}`);
    }
    return out;
  };

  const subscriptionOf = (scope: string): string | undefined => /^\/subscriptions\/([^/]+)/.exec(canonical(scope))?.[1];

  const atAndAbove = (scope: string): ReadonlySet<string> => {
    const c = canonical(scope);
    const out = new Set<string>(['/']);
    if (c.startsWith(MG_PREFIX)) {
      for (const g of groupChain(c.slice(MG_PREFIX.length).split('/')[0])) out.add(g);
      return out;
    }
    const segments = c.split('/').filter((s) => s !== '');
    for (let i = 1; i <= segments.length; i++) out.add(`/${segments.slice(0, i).join('/')}`);
    const sub = subscriptionOf(c);
    if (sub !== undefined) for (const g of groupChain(groupOfSubscription.get(sub))) out.add(g);
    return out;
  };

  return {
    canonical,
    atAndAbove,
    isAtOrAbove: (candidate, scope) => atAndAbove(scope).has(canonical(candidate)),
    isBelow: (candidate, scope) => canonical(candidate) !== canonical(scope) && atAndAbove(candidate).has(canonical(scope)),
    subscriptionOf,
  };
}
