import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest, type AccessRequest } from '../../model/accessRequest.ts';
import {
  clusterRole,
  clusterRoleBinding,
  compile,
  groupSubject,
  rbac,
  resourceRule,
  role,
  roleBinding,
  serviceAccountSubject,
  subjectKeys,
  toClusterRole,
  toRole,
  urlRule,
  userSubject,
} from '../../../test/helpers/rbacFixtures.ts';
import { naiveWhoCan } from '../../../test/reference/naiveAuthorizer.ts';
import { MASTERS_NOTE, whoCan, whoCanInAnyNamespace } from './whoCan.ts';

const cluster = rbac(
  role('ns1', 'pod-reader', [resourceRule(['get', 'list'], [''], ['pods'])]),
  clusterRole('pod-and-node-reader', [resourceRule(['get', 'list'], [''], ['pods', 'nodes']), urlRule(['get'], ['/metrics'])]),
  clusterRole('two-rules', [resourceRule(['get'], [''], ['pods']), resourceRule(['list'], [''], ['secrets'])]),
  clusterRole('named-secret', [resourceRule(['get', 'list', 'watch'], [''], ['secrets'], ['db-password'])]),
  clusterRole('cluster-admin', [resourceRule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
  roleBinding('ns1', 'alice', toRole('pod-reader'), [userSubject('alice')]),
  roleBinding('ns1', 'bob', toClusterRole('pod-and-node-reader'), [userSubject('bob'), serviceAccountSubject('builder'), serviceAccountSubject('deployer', 'ns2')]),
  roleBinding('ns2', 'bob-ns2', toClusterRole('pod-and-node-reader'), [userSubject('bob2')]),
  clusterRoleBinding('readers', toClusterRole('pod-and-node-reader'), [groupSubject('readers'), serviceAccountSubject('lost'), { kind: 'Robot', name: 'r2d2', namespace: '', apiGroup: '' }]),
  clusterRoleBinding('two', toClusterRole('two-rules'), [userSubject('carol')]),
  clusterRoleBinding('named', toClusterRole('named-secret'), [userSubject('dave'), serviceAccountSubject('vault', 'infra')]),
  clusterRoleBinding('masters', toClusterRole('cluster-admin'), [groupSubject('system:masters')]),
  roleBinding('ns1', 'dangling', toRole('missing'), [userSubject('erin')]),
  clusterRoleBinding('dangling-crb', toClusterRole('missing'), [userSubject('erin')]),
  roleBinding('ns3', 'dangling-elsewhere', toRole('missing'), [userSubject('erin')]),
);
const index = compile(cluster);
const pods = (verb: string, namespace: string, name = '') => resourceRequest({ verb, resource: 'pods', namespace, name });
const secrets = (verb: string, namespace: string, name = '') => resourceRequest({ verb, resource: 'secrets', namespace, name });

describe('whoCan: subject sets', () => {
  it.each<[string, AccessRequest, string[]]>([
    [
      'get pods in ns1: Role and ClusterRole via RoleBindings of ns1, ClusterRoleBindings',
      pods('get', 'ns1', 'p'),
      ['Group:readers', 'Group:system:masters', 'ServiceAccount:ns1/builder', 'ServiceAccount:ns2/deployer', 'User:alice', 'User:bob', 'User:carol'],
    ],
    ['get pods in ns2: other namespace RoleBindings', pods('get', 'ns2', 'p'), ['Group:readers', 'Group:system:masters', 'User:bob2', 'User:carol']],
    ['get pods in a namespace without RoleBindings', pods('get', 'other', 'p'), ['Group:readers', 'Group:system:masters', 'User:carol']],
    ['list pods cluster-wide: only ClusterRoleBindings', pods('list', ''), ['Group:readers', 'Group:system:masters']],
    ['list nodes: RoleBinding → ClusterRole never grants cluster scope', resourceRequest({ verb: 'list', resource: 'nodes' }), ['Group:readers', 'Group:system:masters']],
    ['get /metrics: RoleBindings never grant non-resource URLs', nonResourceRequest('get', '/metrics'), ['Group:readers', 'Group:system:masters']],
    ['post /metrics', nonResourceRequest('post', '/metrics'), ['Group:system:masters']],
    ['rules are not merged: nobody but masters gets secrets via two-rules', secrets('get', 'ns1', 'other'), ['Group:system:masters']],
    ['list secrets: resourceNames rules do not answer', secrets('list', 'ns1'), ['Group:system:masters', 'User:carol']],
    ['get the named secret', secrets('get', 'ns1', 'db-password'), ['Group:system:masters', 'ServiceAccount:infra/vault', 'User:dave']],
    ['dangling references grant nothing', resourceRequest({ verb: 'delete', resource: 'pods', namespace: 'ns1', name: 'p' }), ['Group:system:masters']],
  ])('%s', (_, request, expected) => {
    expect(subjectKeys(whoCan(index, request))).toEqual(expected);
    expect([...naiveWhoCan(cluster, request)].sort()).toEqual(expected);
  });

  it('system:masters is listed only when a binding names it; the note is always there', () => {
    const withoutMasters = rbac(...cluster.roles, ...cluster.bindings.filter((b) => b.name !== 'masters'));
    const idx = compile(withoutMasters);
    const answer = whoCan(idx, nonResourceRequest('post', '/metrics'));
    expect(answer.subjects).toEqual([]);
    expect(answer.notes).toEqual([MASTERS_NOTE]);
    expect(MASTERS_NOTE).toMatch(/system:masters/);
    expect(whoCan(index, nonResourceRequest('post', '/metrics')).notes).toEqual([MASTERS_NOTE]);
  });

  it('ServiceAccount subjects carry their resolved namespace; SA without namespace in a ClusterRoleBinding and unknown kinds are dropped', () => {
    const answer = whoCan(index, pods('get', 'ns1', 'p'));
    const sas = answer.subjects.filter((s) => s.subject.kind === 'ServiceAccount').map((s) => s.subject);
    expect(sas).toEqual([
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ns1' },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'ns2' },
    ]);
    expect(answer.subjects.some((s) => s.subject.name === 'lost' || s.subject.name === 'r2d2')).toBe(false);
  });

  it('subjects are sorted: Users, Groups, ServiceAccounts', () => {
    expect(whoCan(index, pods('get', 'ns1', 'p')).subjects.map((s) => s.subject.kind)).toEqual(['User', 'User', 'User', 'Group', 'Group', 'ServiceAccount', 'ServiceAccount']);
  });
});

describe('whoCan: paths', () => {
  it('every path of a subject, in upstream order (ClusterRoleBindings first, then RoleBindings)', () => {
    const objects = rbac(
      clusterRole('pods', [resourceRule(['get'], [''], ['pods']), resourceRule(['*'], [''], ['pods'])]),
      roleBinding('ns1', 'rb', toClusterRole('pods'), [userSubject('alice')]),
      clusterRoleBinding('crb', toClusterRole('pods'), [userSubject('alice')]),
    );
    const answer = whoCan(compile(objects), pods('get', 'ns1', 'p'));
    expect(answer.subjects).toHaveLength(1);
    expect(answer.subjects[0]?.via.map((p) => `${p.binding.kind}/${p.binding.name}#${p.ruleIndex}@${p.namespace}`)).toEqual([
      'ClusterRoleBinding/crb#0@',
      'ClusterRoleBinding/crb#1@',
      'RoleBinding/rb#0@ns1',
      'RoleBinding/rb#1@ns1',
    ]);
    expect(answer.subjects[0]?.namespaces).toBeUndefined();
  });

  it('a subject listed twice in one binding gets each path once', () => {
    const objects = rbac(
      clusterRole('pods', [resourceRule(['get'], [''], ['pods'])]),
      clusterRoleBinding('crb', toClusterRole('pods'), [userSubject('alice'), userSubject('alice')]),
    );
    expect(whoCan(compile(objects), pods('get', 'ns1', 'p')).subjects[0]?.via).toHaveLength(1);
  });

  it('aggregated rules say where they came from', () => {
    const objects = rbac(
      clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-agg': 'true' }, matchExpressions: [] }] } }),
      clusterRole('source', [resourceRule(['get'], [''], ['pods'])], { labels: { 'to-agg': 'true' } }),
      roleBinding('ns1', 'rb', toClusterRole('agg'), [userSubject('alice')]),
    );
    const answer = whoCan(compile(objects), pods('get', 'ns1', 'p'));
    expect(answer.subjects[0]?.via[0]).toMatchObject({ role: { kind: 'ClusterRole', name: 'agg' }, aggregatedFrom: ['source'] });
  });
});

describe('whoCan: warnings', () => {
  it('dangling references of consulted bindings only', () => {
    const ns1 = whoCan(index, pods('get', 'ns1', 'p')).warnings;
    expect(ns1).toHaveLength(2);
    expect(ns1.some((w) => w.startsWith('RoleBinding ns1/dangling grants nothing'))).toBe(true);
    expect(ns1.some((w) => w.startsWith('ClusterRoleBinding dangling-crb grants nothing'))).toBe(true);
    expect(whoCan(index, pods('list', '')).warnings).toEqual([expect.stringMatching(/^ClusterRoleBinding dangling-crb grants nothing/)]);
    expect(whoCan(index, pods('get', 'ns2', 'p')).warnings).toHaveLength(1);
    expect(whoCanInAnyNamespace(index, pods('get', '')).warnings).toHaveLength(3);
  });
});

describe('whoCanInAnyNamespace', () => {
  it('lists where each subject holds: "*" for ClusterRoleBindings, else the RoleBinding namespaces', () => {
    const answer = whoCanInAnyNamespace(index, pods('get', '', 'p'));
    const where = Object.fromEntries(answer.subjects.map((s) => [`${s.subject.kind}:${s.subject.namespace ?? ''}/${s.subject.name}`, s.namespaces]));
    expect(where).toEqual({
      'User:/alice': ['ns1'],
      'User:/bob': ['ns1'],
      'User:/bob2': ['ns2'],
      'User:/carol': ['*'],
      'Group:/readers': ['*'],
      'Group:/system:masters': ['*'],
      'ServiceAccount:ns1/builder': ['ns1'],
      'ServiceAccount:ns2/deployer': ['ns1'],
    });
  });

  it('a subject with a RoleBinding and a ClusterRoleBinding holds everywhere', () => {
    const objects = rbac(
      clusterRole('pods', [resourceRule(['get'], [''], ['pods'])]),
      roleBinding('ns1', 'rb', toClusterRole('pods'), [userSubject('alice')]),
      roleBinding('ns2', 'rb', toClusterRole('pods'), [userSubject('alice'), userSubject('bob')]),
      roleBinding('ns3', 'rb', toClusterRole('pods'), [userSubject('bob')]),
      clusterRoleBinding('crb', toClusterRole('pods'), [userSubject('alice')]),
    );
    const answer = whoCanInAnyNamespace(compile(objects), pods('get', 'ignored', 'p'));
    expect(answer.subjects.map((s) => [s.subject.name, s.namespaces])).toEqual([
      ['alice', ['*']],
      ['bob', ['ns2', 'ns3']],
    ]);
  });
});
