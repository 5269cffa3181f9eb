import { describe, expect, it } from 'vitest';
import type { LabelSelector, LabelSelectorRequirement, PolicyRule, Role } from '../../model/k8sRbac.ts';
import { clusterRole, resourceRule, rule } from '../../../test/helpers/rbacFixtures.ts';
import { aggregateClusterRoles, rulesEqual } from './aggregateClusterRoles.ts';
import { labelSelectorMatches } from './labelSelector.ts';

const labels = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels, matchExpressions: [] });
const expressions = (...matchExpressions: LabelSelectorRequirement[]): LabelSelector => ({ matchLabels: {}, matchExpressions });
const aggregating = (name: string, selectors: LabelSelector[], stored: PolicyRule[] = [], roleLabels: Record<string, string> = {}): Role =>
  clusterRole(name, stored, { labels: roleLabels, aggregationRule: { clusterRoleSelectors: selectors } });

const A = resourceRule(['get'], [''], ['a']);
const B = resourceRule(['get'], [''], ['b']);
const M = resourceRule(['get'], [''], ['m']);
const Z = resourceRule(['get'], [''], ['z']);
const D = resourceRule(['list'], [''], ['shared']);
const SELF = resourceRule(['delete'], [''], ['self']);

function rulesOf(result: ReturnType<typeof aggregateClusterRoles>, name: string): PolicyRule[] {
  return (result.rulesByClusterRole.get(name) ?? []).map((e) => e.rule);
}

function sourcesOf(result: ReturnType<typeof aggregateClusterRoles>, name: string): string[][] {
  return (result.rulesByClusterRole.get(name) ?? []).map((e) => [...e.aggregatedFrom]);
}

describe('aggregateClusterRoles: offline (rules: null)', () => {
  // Listed out of order on purpose: the controller sorts each selector's matches by name.
  const roles = [
    clusterRole('zeta', [Z, D], { labels: { team: 'x' } }),
    aggregating('agg', [labels({ team: 'x' }), labels({ tier: 'y' })], [], { team: 'x' }),
    clusterRole('beta', [B], { labels: { tier: 'y' } }),
    clusterRole('mid', [M], { labels: { team: 'x', tier: 'y' } }),
    clusterRole('alpha', [A, D], { labels: { team: 'x' } }),
    clusterRole('unrelated', [SELF], { labels: { team: 'z' } }),
  ];
  const result = aggregateClusterRoles(roles);

  it('selectors in order, sources sorted by name within a selector, duplicates dropped', () => {
    // Selector 1 (team=x): alpha [A, D], mid [M], zeta [Z, D→dup]; selector 2 (tier=y): beta [B], mid [M→dup].
    expect(rulesOf(result, 'agg')).toEqual([A, D, M, Z, B]);
    expect(sourcesOf(result, 'agg')).toEqual([['alpha'], ['alpha'], ['mid'], ['zeta'], ['beta']]);
    expect(result.warnings).toEqual([]);
  });

  it('skips the aggregating role itself even when its labels match', () => {
    const selfMatching = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })], [], { team: 'x' }), clusterRole('src', [A], { labels: { team: 'x' } })]);
    expect(rulesOf(selfMatching, 'agg')).toEqual([A]);
  });

  it('leaves roles without aggregationRule as they are', () => {
    expect(rulesOf(result, 'zeta')).toEqual([Z, D]);
    expect(sourcesOf(result, 'zeta')).toEqual([[], []]);
    expect(rulesOf(result, 'unrelated')).toEqual([SELF]);
    expect([...result.rulesByClusterRole.keys()].sort()).toEqual(['agg', 'alpha', 'beta', 'mid', 'unrelated', 'zeta']);
  });

  it('does not depend on the input order', () => {
    const reversed = aggregateClusterRoles([...roles].reverse());
    expect(rulesOf(reversed, 'agg')).toEqual([A, D, M, Z, B]);
  });

  it('an aggregationRule without selectors, or matching nothing, yields no rules', () => {
    const none = aggregateClusterRoles([aggregating('empty', []), aggregating('nomatch', [labels({ nobody: 'here' })]), clusterRole('src', [A], { labels: { team: 'x' } })]);
    expect(rulesOf(none, 'empty')).toEqual([]);
    expect(rulesOf(none, 'nomatch')).toEqual([]);
  });

  it('an empty selector matches every other ClusterRole', () => {
    const all = aggregateClusterRoles([aggregating('all', [labels({})]), clusterRole('b', [B]), clusterRole('a', [A])]);
    expect(rulesOf(all, 'all')).toEqual([A, B]);
  });

  it('duplicates are semantic: equal rules from different objects count once, a differing list order does not', () => {
    const same = aggregateClusterRoles([
      aggregating('agg', [labels({ l: '1' })]),
      clusterRole('a', [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })], { labels: { l: '1' } }),
      clusterRole('b', [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] })], { labels: { l: '1' } }),
      clusterRole('c', [rule({ verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] })], { labels: { l: '1' } }),
    ]);
    expect(rulesOf(same, 'agg')).toHaveLength(3);
    expect(rulesEqual(resourceRule(['get', 'list'], [''], ['pods']), resourceRule(['list', 'get'], [''], ['pods']))).toBe(false);
    expect(rulesEqual(resourceRule(['get'], [''], ['pods']), resourceRule(['get'], [''], ['pods']))).toBe(true);
  });
});

describe('aggregateClusterRoles: live (rules already filled in)', () => {
  it('gives the same result without counting anything twice', () => {
    const sources = [clusterRole('alpha', [A, D], { labels: { team: 'x' } }), clusterRole('zeta', [Z, D], { labels: { team: 'x' } })];
    const offline = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })]), ...sources]);
    const live = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })], [A, D, Z]), ...sources]);
    expect(rulesOf(offline, 'agg')).toEqual([A, D, Z]);
    expect(rulesOf(live, 'agg')).toEqual([A, D, Z]);
    expect(sourcesOf(live, 'agg')).toEqual([['alpha'], ['alpha'], ['zeta']]);
    expect(live.warnings).toEqual([]);
  });

  it('stored rules in another order are replaced by the computed order', () => {
    const live = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })], [Z, A]), clusterRole('alpha', [A], { labels: { team: 'x' } }), clusterRole('zeta', [Z], { labels: { team: 'x' } })]);
    expect(rulesOf(live, 'agg')).toEqual([A, Z]);
    expect(live.warnings).toEqual([]);
  });
});

describe('aggregateClusterRoles: transitive (admin ← edit ← view)', () => {
  const VIEW = resourceRule(['get', 'list', 'watch'], [''], ['pods']);
  const EDIT = resourceRule(['create'], ['apps'], ['deployments']);
  const ADMIN = resourceRule(['create'], ['rbac.authorization.k8s.io'], ['rolebindings']);
  const label = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });
  const bootstrapLike = [
    aggregating('admin', [labels(label('admin'))]),
    aggregating('edit', [labels(label('edit'))], [], label('admin')),
    aggregating('view', [labels(label('view'))], [], label('edit')),
    clusterRole('system:aggregate-to-admin', [ADMIN], { labels: label('admin') }),
    clusterRole('system:aggregate-to-edit', [EDIT], { labels: label('edit') }),
    clusterRole('system:aggregate-to-view', [VIEW], { labels: label('view') }),
  ];

  it('aggregates through aggregated roles, whatever the input order', () => {
    for (const roles of [bootstrapLike, [...bootstrapLike].reverse()]) {
      const result = aggregateClusterRoles(roles);
      expect(rulesOf(result, 'view')).toEqual([VIEW]);
      // edit's selector matches system:aggregate-to-edit and view (sorted by name).
      expect(rulesOf(result, 'edit')).toEqual([EDIT, VIEW]);
      // admin's selector matches edit and system:aggregate-to-admin.
      expect(rulesOf(result, 'admin')).toEqual([EDIT, VIEW, ADMIN]);
      expect(sourcesOf(result, 'admin')).toEqual([
        ['edit', 'system:aggregate-to-edit'],
        ['edit', 'view', 'system:aggregate-to-view'],
        ['system:aggregate-to-admin'],
      ]);
      expect(result.warnings).toEqual([]);
    }
  });

  it('a user ClusterRole labelled aggregate-to-view reaches admin', () => {
    const CRD = resourceRule(['get'], ['example.com'], ['widgets']);
    const result = aggregateClusterRoles([...bootstrapLike, clusterRole('widgets-view', [CRD], { labels: label('view') })]);
    expect(rulesOf(result, 'admin')).toEqual([EDIT, VIEW, CRD, ADMIN]);
  });

  it('live transitive roles are not double counted', () => {
    const live = bootstrapLike.map((r) =>
      r.name === 'admin' ? { ...r, rules: [EDIT, VIEW, ADMIN] } : r.name === 'edit' ? { ...r, rules: [EDIT, VIEW] } : r.name === 'view' ? { ...r, rules: [VIEW] } : r,
    );
    const result = aggregateClusterRoles(live);
    expect(rulesOf(result, 'admin')).toEqual([EDIT, VIEW, ADMIN]);
    expect(result.warnings).toEqual([]);
  });
});

describe('aggregateClusterRoles: matchExpressions', () => {
  const roles = [
    clusterRole('in-x', [resourceRule(['get'], [''], ['in-x'])], { labels: { env: 'x' } }),
    clusterRole('in-y', [resourceRule(['get'], [''], ['in-y'])], { labels: { env: 'y' } }),
    clusterRole('no-env', [resourceRule(['get'], [''], ['no-env'])], { labels: { other: 'z' } }),
    clusterRole('empty-env', [resourceRule(['get'], [''], ['empty-env'])], { labels: { env: '' } }),
  ];
  const resourcesFor = (selector: LabelSelector) =>
    rulesOf(aggregateClusterRoles([aggregating('agg', [selector]), ...roles]), 'agg').map((r) => r.resources[0] ?? '');

  it.each<[string, LabelSelector, string[]]>([
    ['In', expressions({ key: 'env', operator: 'In', values: ['x', 'z'] }), ['in-x']],
    ['NotIn (also matches roles without the key)', expressions({ key: 'env', operator: 'NotIn', values: ['x'] }), ['empty-env', 'in-y', 'no-env']],
    ['Exists', expressions({ key: 'env', operator: 'Exists', values: [] }), ['empty-env', 'in-x', 'in-y']],
    ['DoesNotExist', expressions({ key: 'env', operator: 'DoesNotExist', values: [] }), ['no-env']],
    ['In with the empty value', expressions({ key: 'env', operator: 'In', values: [''] }), ['empty-env']],
    ['expressions are ANDed', expressions({ key: 'env', operator: 'Exists', values: [] }, { key: 'env', operator: 'NotIn', values: ['y'] }), ['empty-env', 'in-x']],
    ['matchLabels AND matchExpressions', { matchLabels: { env: 'y' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['x', 'y'] }] }, ['in-y']],
    ['matchLabels with another value', labels({ env: 'x' }), ['in-x']],
  ])('%s', (_, selector, expected) => {
    expect(resourcesFor(selector)).toEqual(expected);
  });

  it.each<[LabelSelector, Record<string, string>, boolean]>([
    [labels({}), {}, true],
    [labels({ a: '1' }), {}, false],
    [labels({ a: '1' }), { a: '1', b: '2' }, true],
    [labels({ toString: 'x' }), {}, false],
    [expressions({ key: 'constructor', operator: 'Exists', values: [] }), {}, false],
    [expressions({ key: 'constructor', operator: 'DoesNotExist', values: [] }), {}, true],
  ])('labelSelectorMatches(%j, %j) = %s', (selector, roleLabels, expected) => {
    expect(labelSelectorMatches(selector, roleLabels)).toBe(expected);
  });
});

describe('aggregateClusterRoles: partial exports and cycles', () => {
  it('a partial export keeps stored rules the loaded sources do not produce, with a warning', () => {
    const result = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })], [A, Z]), clusterRole('alpha', [A], { labels: { team: 'x' } })]);
    expect(rulesOf(result, 'agg')).toEqual([A, Z]);
    expect(sourcesOf(result, 'agg')).toEqual([['alpha'], []]);
    expect(result.warnings).toEqual([expect.stringMatching(/^ClusterRole agg \(test\): 1 of its stored rules are not produced by its aggregationRule/)]);
  });

  it('a live aggregated role whose sources were not exported keeps all its rules', () => {
    const result = aggregateClusterRoles([aggregating('agg', [labels({ team: 'x' })], [A, Z])]);
    expect(rulesOf(result, 'agg')).toEqual([A, Z]);
    expect(result.warnings).toHaveLength(1);
  });

  it('kept stored rules are aggregated onward, as the controller copies a source role’s whole .rules', () => {
    // edit exported live with a rule from a view that is missing from the export; admin exported offline.
    const EDIT = resourceRule(['create'], ['apps'], ['deployments']);
    const VIEW = resourceRule(['list'], [''], ['pods']);
    const result = aggregateClusterRoles([
      aggregating('admin', [labels({ to: 'admin' })]),
      aggregating('edit', [labels({ to: 'edit' })], [EDIT, VIEW], { to: 'admin' }),
      clusterRole('system:aggregate-to-edit', [EDIT], { labels: { to: 'edit' } }),
    ]);
    expect(rulesOf(result, 'edit')).toEqual([EDIT, VIEW]);
    expect(rulesOf(result, 'admin')).toEqual([EDIT, VIEW]);
    expect(sourcesOf(result, 'admin')).toEqual([['edit', 'system:aggregate-to-edit'], ['edit']]);
    expect(result.warnings).toEqual([expect.stringMatching(/^ClusterRole edit .*1 of its stored rules/)]);
  });

  it('mutually aggregating roles terminate with the union', () => {
    const result = aggregateClusterRoles([
      aggregating('a', [labels({ ring: '1' })], [], { ring: '1' }),
      aggregating('b', [labels({ ring: '1' })], [], { ring: '1' }),
      clusterRole('c', [A], { labels: { ring: '1' } }),
    ]);
    expect(rulesOf(result, 'a')).toEqual([A]);
    expect(rulesOf(result, 'b')).toEqual([A]);
    expect(result.warnings).toEqual([]);
  });

  it('a longer cycle terminates and every member gets every source rule', () => {
    const result = aggregateClusterRoles([
      aggregating('r1', [labels({ to: 'r1' })], [], { to: 'r3' }),
      aggregating('r2', [labels({ to: 'r2' })], [], { to: 'r1' }),
      aggregating('r3', [labels({ to: 'r3' })], [], { to: 'r2' }),
      clusterRole('s1', [A], { labels: { to: 'r1' } }),
      clusterRole('s3', [Z], { labels: { to: 'r3' } }),
    ]);
    for (const name of ['r1', 'r2', 'r3']) expect(new Set(rulesOf(result, name).map((r) => r.resources[0]))).toEqual(new Set(['a', 'z']));
  });
});
