import type { PolicyRule, Role } from '../../model/k8sRbac.ts';
import { labelSelectorMatches } from './labelSelector.ts';

/** A rule as the authorizer sees it in a role's `.rules`, plus where aggregation took it from. */
export interface EffectiveRule {
  readonly rule: PolicyRule;
  /** Chain of ClusterRoles an aggregated rule came through, nearest first (`["edit", "system:aggregate-to-edit"]`); empty for the role's own rules. */
  readonly aggregatedFrom: readonly string[];
}

export interface AggregationResult {
  /** Effective rules per ClusterRole name (every ClusterRole, aggregated or not). */
  readonly rulesByClusterRole: ReadonlyMap<string, readonly EffectiveRule[]>;
  readonly warnings: readonly string[];
}

/** `ruleExists` of the aggregation controller: semantic deep equality (nil and empty lists are equal). */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    same(a.verbs, b.verbs) &&
    same(a.apiGroups, b.apiGroups) &&
    same(a.resources, b.resources) &&
    same(a.resourceNames, b.resourceNames) &&
    same(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function own(role: Role): EffectiveRule[] {
  return role.rules.map((rule) => ({ rule, aggregatedFrom: [] }));
}

/**
 * Recomputes what the clusterroleaggregation controller writes into `.rules` of every ClusterRole with an
 * aggregationRule: selectors in order, matching roles sorted by name, the role itself skipped, each rule
 * appended once. The controller reconciles roles one at a time until nothing changes, so aggregation
 * through aggregated roles (admin ← edit ← view) is a fixed point; we iterate to it.
 *
 * Offline manifests carry `rules: null` on aggregated roles and a live API returns them filled in. The
 * computed list replaces the stored one (so nothing is counted twice); stored rules the computation does not
 * reproduce (a partial export that lacks the source roles) are kept, because the authorizer reads `.rules`.
 */
export function aggregateClusterRoles(clusterRoles: readonly Role[]): AggregationResult {
  const byName = new Map<string, Role>();
  for (const role of clusterRoles) byName.set(role.name, role);
  const sortedNames = [...byName.keys()].sort();
  const aggregated = sortedNames.filter((n) => byName.get(n)?.aggregationRule !== undefined);

  const current = new Map<string, EffectiveRule[]>();
  for (const name of sortedNames) {
    const role = byName.get(name);
    if (role !== undefined) current.set(name, role.aggregationRule === undefined ? own(role) : []);
  }

  // Each round can only add rules, and rules are finite, so this terminates; the bound guards cycles anyway.
  for (let round = 0; round <= aggregated.length + 1; round++) {
    let changed = false;
    for (const name of aggregated) {
      const role = byName.get(name);
      if (role?.aggregationRule === undefined) continue;
      const next: EffectiveRule[] = [];
      for (const selector of role.aggregationRule.clusterRoleSelectors) {
        for (const sourceName of sortedNames) {
          if (sourceName === name) continue;
          const source = byName.get(sourceName);
          if (source === undefined || !labelSelectorMatches(selector, source.labels)) continue;
          for (const effective of current.get(sourceName) ?? []) {
            if (next.some((e) => rulesEqual(e.rule, effective.rule))) continue;
            next.push({ rule: effective.rule, aggregatedFrom: [sourceName, ...effective.aggregatedFrom] });
          }
        }
      }
      // Stored rules the selectors do not produce (a partial export) are kept, because the authorizer reads
      // `.rules`; they must be kept inside the fixed point, not appended after it, so that roles aggregating
      // this one receive them too, as the controller copies a source's whole `.rules` (admin ← edit).
      for (const stored of role.rules) {
        if (!next.some((e) => rulesEqual(e.rule, stored))) next.push({ rule: stored, aggregatedFrom: [] });
      }
      const before = current.get(name) ?? [];
      const same = before.length === next.length && before.every((e, i) => {
        const n = next[i];
        return n !== undefined && rulesEqual(e.rule, n.rule);
      });
      if (!same) changed = true;
      current.set(name, next);
    }
    if (!changed) break;
  }

  const warnings: string[] = [];
  for (const name of aggregated) {
    const role = byName.get(name);
    const computed = current.get(name);
    if (role === undefined || computed === undefined) continue;
    // The kept stored rules are the only entries of an aggregated role that came from no source.
    const extra = computed.filter((e) => e.aggregatedFrom.length === 0).length;
    if (extra > 0) {
      warnings.push(
        `ClusterRole ${name} (${role.source}): ${extra} of its stored rules are not produced by its aggregationRule from the loaded ClusterRoles (a partial export?); they are kept because the authorizer reads .rules`,
      );
    }
  }
  return { rulesByClusterRole: current, warnings };
}
