import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest, type AccessRequest, type UserInfo } from '../../model/accessRequest.ts';
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
  toClusterRole,
  toRole,
  urlRule,
  userSubject,
} from '../../../test/helpers/rbacFixtures.ts';
import { naiveCan } from '../../../test/reference/naiveAuthorizer.ts';
import { can } from './can.ts';
import { rulesFor } from './rulesFor.ts';
import { impersonatedUser, serviceAccountUser } from './identity.ts';
import { buildRbacPolicy } from './rbacPolicy.ts';

const plain = (name: string, ...groups: string[]): UserInfo => ({ name, groups });
const getPods = (namespace: string, name = 'web-0') => resourceRequest({ verb: 'get', resource: 'pods', name, namespace });

/*
 * One small cluster exercising scope: Roles vs ClusterRoles, RoleBindings vs ClusterRoleBindings, dangling
 * references and ServiceAccount subjects.
 */
const cluster = rbac(
  role('ns1', 'pod-reader', [resourceRule(['get', 'list'], [''], ['pods'])]),
  role('ns2', 'other-role', [resourceRule(['*'], ['*'], ['*'])]),
  clusterRole('node-and-pod-reader', [
    resourceRule(['get', 'list'], [''], ['nodes']),
    resourceRule(['get'], [''], ['pods']),
    urlRule(['get'], ['/healthz']),
  ]),
  clusterRole('secret-reader', [resourceRule(['get', 'list'], [''], ['secrets'])]),
  roleBinding('ns1', 'alice-reads-pods', toRole('pod-reader'), [userSubject('alice')]),
  roleBinding('ns1', 'bob-via-clusterrole', toClusterRole('node-and-pod-reader'), [userSubject('bob')]),
  clusterRoleBinding('readers', toClusterRole('secret-reader'), [groupSubject('readers')]),
  // A Role of this name exists only in ns1: from ns2 the reference dangles.
  roleBinding('ns2', 'dave-wrong-namespace', toRole('pod-reader'), [userSubject('dave')]),
  roleBinding('ns1', 'dave-missing-clusterrole', toClusterRole('does-not-exist'), [userSubject('dave')]),
  clusterRoleBinding('erin-role-from-crb', toRole('other-role'), [userSubject('erin')]),
  roleBinding('ns1', 'sa-default-namespace', toClusterRole('secret-reader'), [serviceAccountSubject('builder')]),
  roleBinding('ns1', 'sa-other-namespace', toClusterRole('secret-reader'), [serviceAccountSubject('deployer', 'ns2')]),
  clusterRoleBinding('sa-without-namespace', toClusterRole('node-and-pod-reader'), [serviceAccountSubject('lost')]),
  clusterRoleBinding('unknown-kind', toClusterRole('node-and-pod-reader'), [{ kind: 'Robot', name: 'alice', namespace: '', apiGroup: '' }]),
);
const index = compile(cluster);

function expectSameAsReference(user: UserInfo, request: AccessRequest, allowed: boolean): void {
  expect(can(index, user, request).allowed).toBe(allowed);
  expect(naiveCan(cluster, user, request)).toBe(allowed);
}

describe('can: scope of bindings', () => {
  it.each<[string, UserInfo, AccessRequest, boolean]>([
    ['RoleBinding → Role grants in its namespace', plain('alice'), getPods('ns1'), true],
    ['RoleBinding → Role grants list in its namespace', plain('alice'), resourceRequest({ verb: 'list', resource: 'pods', namespace: 'ns1' }), true],
    ['RoleBinding → Role grants nothing in another namespace', plain('alice'), getPods('ns2'), false],
    ['RoleBinding → Role grants nothing cluster-wide (-A)', plain('alice'), resourceRequest({ verb: 'list', resource: 'pods' }), false],
    ['RoleBinding → ClusterRole grants in the binding namespace', plain('bob'), getPods('ns1'), true],
    ['RoleBinding → ClusterRole grants nothing in another namespace', plain('bob'), getPods('ns2'), false],
    ['RoleBinding → ClusterRole never grants cluster-scoped resources', plain('bob'), resourceRequest({ verb: 'list', resource: 'nodes' }), false],
    ['RoleBinding → ClusterRole never grants non-resource URLs', plain('bob'), nonResourceRequest('get', '/healthz'), false],
    ['ClusterRoleBinding grants in a namespace', plain('carol', 'readers'), resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'ns1' }), true],
    ['ClusterRoleBinding grants in any namespace', plain('carol', 'readers'), resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'anywhere' }), true],
    ['ClusterRoleBinding grants cluster-wide', plain('carol', 'readers'), resourceRequest({ verb: 'list', resource: 'secrets' }), true],
    ['a Role of the same name in another namespace does not count', plain('dave'), getPods('ns2'), false],
    ['a dangling ClusterRole reference grants nothing', plain('dave'), getPods('ns1'), false],
    ['a ClusterRoleBinding cannot use a Role', plain('erin'), getPods('ns2'), false],
    ['unknown subject kinds never match', plain('alice'), resourceRequest({ verb: 'list', resource: 'nodes' }), false],
  ])('%s', (_, user, request, allowed) => {
    expectSameAsReference(user, request, allowed);
  });

  it('dangling references show up as warnings of the bindings consulted for the user', () => {
    const inNs1 = can(index, plain('dave'), getPods('ns1'));
    expect(inNs1.warnings).toEqual([expect.stringMatching(/RoleBinding ns1\/dave-missing-clusterrole .*"does-not-exist" not found/)]);
    const inNs2 = can(index, plain('dave'), getPods('ns2'));
    expect(inNs2.warnings).toEqual([expect.stringMatching(/RoleBinding ns2\/dave-wrong-namespace .*"pod-reader" not found in namespace ns2/)]);
    // Not consulted for a cluster-scoped request, and not about alice.
    expect(can(index, plain('dave'), resourceRequest({ verb: 'list', resource: 'nodes' })).warnings).toEqual([]);
    expect(can(index, plain('alice'), getPods('ns1')).warnings).toEqual([]);
    expect(can(index, plain('erin'), getPods('ns2')).warnings).toEqual([expect.stringMatching(/ClusterRoleBinding erin-role-from-crb .*cannot reference a Role/)]);
  });

  it('the policy resolves dangling references to errors on the binding, and warns about subjects that never match', () => {
    const policy = buildRbacPolicy(cluster);
    const errors = policy.bindings.filter((b) => b.error !== undefined).map((b) => b.bindingKey.name);
    expect(errors.sort()).toEqual(['dave-missing-clusterrole', 'dave-wrong-namespace', 'erin-role-from-crb']);
    expect(policy.warnings).toEqual([
      expect.stringMatching(/ClusterRoleBinding sa-without-namespace .*ServiceAccount "lost" without a namespace never matches/),
      expect.stringMatching(/ClusterRoleBinding unknown-kind .*unknown subject kind "Robot"/),
    ]);
  });
});

describe('can: ServiceAccount subjects and implicit groups', () => {
  const getSecret = (namespace: string) => resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace });

  it.each<[string, UserInfo, AccessRequest, boolean]>([
    ['SA without namespace in a RoleBinding means the binding namespace', serviceAccountUser('ns1', 'builder'), getSecret('ns1'), true],
    ['… and only that namespace', serviceAccountUser('ns2', 'builder'), getSecret('ns1'), false],
    ['… and grants only in the binding namespace', serviceAccountUser('ns1', 'builder'), getSecret('ns2'), false],
    ['SA with another namespace in a RoleBinding is granted in the binding namespace', serviceAccountUser('ns2', 'deployer'), getSecret('ns1'), true],
    ['… not in its own namespace', serviceAccountUser('ns2', 'deployer'), getSecret('ns2'), false],
    ['SA without namespace in a ClusterRoleBinding never matches', serviceAccountUser('ns1', 'lost'), resourceRequest({ verb: 'list', resource: 'nodes' }), false],
    ['… whatever the namespace', serviceAccountUser('default', 'lost'), resourceRequest({ verb: 'list', resource: 'nodes' }), false],
    ['a User subject with the SA username is not an SA subject', plain('builder'), getSecret('ns1'), false],
  ])('%s', (_, user, request, allowed) => {
    expectSameAsReference(user, request, allowed);
  });

  const groups = rbac(
    clusterRole('ns-reader', [resourceRule(['list'], [''], ['namespaces'])]),
    clusterRole('cm-reader', [resourceRule(['list'], [''], ['configmaps'])]),
    clusterRole('healthz', [urlRule(['get'], ['/healthz'])]),
    clusterRole('version', [urlRule(['get'], ['/version'])]),
    clusterRoleBinding('all-sas', toClusterRole('ns-reader'), [groupSubject('system:serviceaccounts')]),
    clusterRoleBinding('ns1-sas', toClusterRole('cm-reader'), [groupSubject('system:serviceaccounts:ns1')]),
    clusterRoleBinding('authenticated', toClusterRole('healthz'), [groupSubject('system:authenticated')]),
    clusterRoleBinding('unauthenticated', toClusterRole('version'), [groupSubject('system:unauthenticated')]),
  );
  const groupIndex = compile(groups);
  const listNamespaces = resourceRequest({ verb: 'list', resource: 'namespaces' });
  const listConfigMaps = resourceRequest({ verb: 'list', resource: 'configmaps' });
  const healthz = nonResourceRequest('get', '/healthz');
  const version = nonResourceRequest('get', '/version');

  it.each<[string, UserInfo, AccessRequest, boolean]>([
    ['system:serviceaccounts covers every SA', serviceAccountUser('ns2', 'x'), listNamespaces, true],
    ['system:serviceaccounts:ns1 covers SAs of ns1', serviceAccountUser('ns1', 'x'), listConfigMaps, true],
    ['system:serviceaccounts:ns1 does not cover SAs of ns2', serviceAccountUser('ns2', 'x'), listConfigMaps, false],
    ['SAs are authenticated', serviceAccountUser('ns2', 'x'), healthz, true],
    ['impersonated users are authenticated', impersonatedUser('eve', []), healthz, true],
    ['impersonated users with groups are still authenticated', impersonatedUser('eve', ['devs']), healthz, true],
    ['an impersonated SA username without groups gets SA groups', impersonatedUser('system:serviceaccount:ns1:x', []), listConfigMaps, true],
    ['an impersonated SA username with groups gets no SA groups', impersonatedUser('system:serviceaccount:ns1:x', ['devs']), listConfigMaps, false],
    ['anonymous is not authenticated', impersonatedUser('system:anonymous', []), healthz, false],
    ['anonymous is unauthenticated', impersonatedUser('system:anonymous', []), version, true],
    ['asking for system:unauthenticated drops system:authenticated', impersonatedUser('eve', ['system:unauthenticated']), healthz, false],
    ['a plain user without groups is in no group', plain('eve'), healthz, false],
  ])('%s', (_, user, request, allowed) => {
    expect(can(groupIndex, user, request).allowed).toBe(allowed);
    expect(naiveCan(groups, user, request)).toBe(allowed);
  });

  it.each<[string, UserInfo, string, string[]]>([
    ['serviceAccountUser', serviceAccountUser('ns1', 'x'), 'system:serviceaccount:ns1:x', ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']],
    ['impersonated user', impersonatedUser('eve', []), 'eve', ['system:authenticated']],
    ['impersonated user with groups', impersonatedUser('eve', ['a', 'b']), 'eve', ['a', 'b', 'system:authenticated']],
    ['impersonated user asking system:authenticated', impersonatedUser('eve', ['system:authenticated']), 'eve', ['system:authenticated']],
    ['impersonated user asking system:unauthenticated', impersonatedUser('eve', ['system:unauthenticated']), 'eve', ['system:unauthenticated']],
    ['impersonated SA', impersonatedUser('system:serviceaccount:ns1:x', []), 'system:serviceaccount:ns1:x', ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']],
    ['impersonated SA with groups', impersonatedUser('system:serviceaccount:ns1:x', ['g']), 'system:serviceaccount:ns1:x', ['g', 'system:authenticated']],
    ['malformed SA username is a plain user', impersonatedUser('system:serviceaccount:ns1', []), 'system:serviceaccount:ns1', ['system:authenticated']],
    ['anonymous', impersonatedUser('system:anonymous', []), 'system:anonymous', ['system:unauthenticated']],
    ['anonymous asking system:authenticated still gets system:unauthenticated', impersonatedUser('system:anonymous', ['system:authenticated']), 'system:anonymous', ['system:authenticated', 'system:unauthenticated']],
  ])('identity: %s', (_, user, name, groupList) => {
    expect(user).toEqual({ name, groups: groupList });
  });
});

describe('can: system:masters', () => {
  const empty = compile(rbac());
  const master = plain('root', 'system:masters');

  it.each<AccessRequest>([
    resourceRequest({ verb: 'delete', resource: 'secrets', name: 'x', namespace: 'kube-system' }),
    resourceRequest({ verb: 'list', resource: 'nodes' }),
    resourceRequest({ verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }),
    resourceRequest({ verb: 'create', resource: 'pods', subresource: 'exec', name: 'p', namespace: 'ns' }),
    nonResourceRequest('post', '/anything'),
  ])('is allowed everything without any binding: %j', (request) => {
    const decision = can(empty, master, request);
    expect(decision).toMatchObject({ allowed: true, allowedBySystemMasters: true, paths: [], nearMisses: [] });
    expect(decision.decidedBy).toBeUndefined();
    expect(decision.reason).toMatch(/system:masters/);
    expect(naiveCan(rbac(), master, request)).toBe(true);
  });

  it('still lists the RBAC paths a member holds', () => {
    const decision = can(index, plain('carol', 'readers', 'system:masters'), resourceRequest({ verb: 'list', resource: 'secrets' }));
    expect(decision.allowedBySystemMasters).toBe(true);
    expect(decision.paths.map((p) => p.binding.name)).toEqual(['readers']);
  });
});

describe('can: rules are evaluated one by one', () => {
  const objects = rbac(
    clusterRole('two-rules', [resourceRule(['get'], [''], ['pods']), resourceRule(['list'], [''], ['secrets'])]),
    clusterRole('named', [resourceRule(['get', 'update'], [''], ['secrets'], ['db-password'])]),
    clusterRoleBinding('two', toClusterRole('two-rules'), [userSubject('alice')]),
    clusterRoleBinding('named', toClusterRole('named'), [userSubject('bob')]),
  );
  const idx = compile(objects);

  it.each<[string, string, AccessRequest, boolean]>([
    ['rule A allows get pods', 'alice', resourceRequest({ verb: 'get', resource: 'pods', name: 'p', namespace: 'a' }), true],
    ['rule B allows list secrets', 'alice', resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'a' }), true],
    ['A + B are not merged into get secrets', 'alice', resourceRequest({ verb: 'get', resource: 'secrets', name: 's', namespace: 'a' }), false],
    ['A + B are not merged into list pods', 'alice', resourceRequest({ verb: 'list', resource: 'pods', namespace: 'a' }), false],
    ['resourceNames allow the named object', 'bob', resourceRequest({ verb: 'get', resource: 'secrets', name: 'db-password', namespace: 'a' }), true],
    ['resourceNames do not allow another object', 'bob', resourceRequest({ verb: 'get', resource: 'secrets', name: 'other', namespace: 'a' }), false],
    ['resourceNames do not allow list', 'bob', resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'a' }), false],
    ['resourceNames do not allow create', 'bob', resourceRequest({ verb: 'update', resource: 'secrets', namespace: 'a' }), false],
  ])('%s', (_, name, request, allowed) => {
    expect(can(idx, plain(name), request).allowed).toBe(allowed);
    expect(naiveCan(objects, plain(name), request)).toBe(allowed);
  });
});

describe('can: near-misses name the failing attribute', () => {
  const objects = rbac(
    role('ns1', 'pods', [resourceRule(['get'], [''], ['pods'])]),
    clusterRole('deploy', [resourceRule(['get'], [''], ['deployments'])]),
    clusterRole('named', [resourceRule(['get', 'list'], [''], ['secrets'], ['db'])]),
    clusterRole('urls', [urlRule(['get'], ['/healthz'])]),
    roleBinding('ns1', 'pods', toRole('pods'), [userSubject('alice')]),
    clusterRoleBinding('deploy', toClusterRole('deploy'), [userSubject('alice')]),
    clusterRoleBinding('named', toClusterRole('named'), [userSubject('alice')]),
    roleBinding('ns1', 'urls', toClusterRole('urls'), [userSubject('alice')]),
    clusterRoleBinding('not-alice', toClusterRole('deploy'), [userSubject('bob')]),
  );
  const idx = compile(objects);
  const alice = plain('alice');

  it.each<[AccessRequest, string, string, RegExp]>([
    [getPods('ns2'), 'namespace', 'pods', /only in namespace ns1/],
    [resourceRequest({ verb: 'list', resource: 'pods', namespace: 'ns1' }), 'verb', 'pods', /allows verbs get, not list/],
    [resourceRequest({ verb: 'GET', resource: 'pods', name: 'p', namespace: 'ns1' }), 'verb', 'pods', /case-sensitive/],
    [resourceRequest({ verb: 'get', resource: 'pods', subresource: 'log', name: 'p', namespace: 'ns1' }), 'resource', 'pods', /not pods\/log/],
    [resourceRequest({ verb: 'get', apiGroup: 'apps', resource: 'deployments', name: 'd', namespace: 'x' }), 'apiGroup', 'deploy', /apiGroups "", not "apps"/],
    [resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'x' }), 'resourceName', 'named', /never covers a request without a name/],
    [resourceRequest({ verb: 'get', resource: 'secrets', name: 'other', namespace: 'x' }), 'resourceName', 'named', /limited to resourceNames db/],
    [nonResourceRequest('get', '/healthz'), 'namespace', 'urls', /never grants cluster-scoped or non-resource/],
  ])('%j fails on %s (binding %s)', (request, failed, binding, explanation) => {
    const decision = can(idx, alice, request);
    expect(decision.allowed).toBe(false);
    const miss = decision.nearMisses.find((m) => m.path.binding.name === binding);
    expect(miss).toBeDefined();
    expect(miss?.failed).toBe(failed);
    expect(miss?.explanation).toMatch(explanation);
    expect(decision.nearMisses.every((m) => m.path.binding.name !== 'not-alice')).toBe(true);
  });

  it('a rule failing on two attributes is a near miss naming both, after the one-attribute ones; three is none', () => {
    // deploy fails on verb and apiGroup; named fails on verb, resource and resourceName.
    const decision = can(idx, alice, resourceRequest({ verb: 'delete', resource: 'deployments', apiGroup: 'apps', name: 'd', namespace: 'x' }));
    const deploy = decision.nearMisses.find((m) => m.path.binding.name === 'deploy');
    expect(deploy).toMatchObject({ failed: 'verb', failedAll: ['verb', 'apiGroup'] });
    expect(deploy?.explanation).toMatch(/allows verbs get, not delete; and it is for apiGroups "", not "apps"/);
    expect(decision.nearMisses.find((m) => m.path.binding.name === 'named')).toBeUndefined();

    const mixed = can(idx, alice, resourceRequest({ verb: 'get', apiGroup: 'apps', resource: 'pods', name: 'p', namespace: 'ns1' }));
    // pods (Role in ns1) fails on apiGroup only; deploy on apiGroup and resource; the rule of urls is about
    // non-resource URLs only, so it is no near miss for a resource request at all.
    expect(mixed.nearMisses.map((m) => [m.path.binding.name, m.failedAll])).toEqual([
      ['pods', ['apiGroup']],
      ['deploy', ['apiGroup', 'resource']],
    ]);
  });

  it('the reason names the closest near miss', () => {
    const decision = can(idx, alice, getPods('ns2'));
    expect(decision.reason).toMatch(/^denied: .*closest: .*only in namespace ns1/);
  });
});

describe('can: decidedBy is the first grant in upstream order', () => {
  const objects = rbac(
    clusterRole('second-rule', [resourceRule(['list'], [''], ['pods']), resourceRule(['get'], [''], ['pods'])]),
    clusterRole('pods', [resourceRule(['get'], [''], ['pods'])]),
    // Listed first, but RoleBindings are visited after all ClusterRoleBindings.
    roleBinding('ns1', 'a-rolebinding', toClusterRole('pods'), [userSubject('alice')]),
    clusterRoleBinding('z-first-crb', toClusterRole('second-rule'), [userSubject('alice')]),
    clusterRoleBinding('a-second-crb', toClusterRole('pods'), [groupSubject('devs')]),
  );
  const idx = compile(objects);

  it('ClusterRoleBindings before RoleBindings, bindings in list order, rules in role order', () => {
    const decision = can(idx, plain('alice', 'devs'), getPods('ns1'));
    expect(decision.allowed).toBe(true);
    expect(decision.decidedBy).toMatchObject({ binding: { kind: 'ClusterRoleBinding', name: 'z-first-crb' }, ruleIndex: 1, subject: { kind: 'User', name: 'alice' } });
    expect(decision.paths.map((p) => `${p.binding.kind}/${p.binding.name}#${p.ruleIndex}`)).toEqual([
      'ClusterRoleBinding/z-first-crb#1',
      'ClusterRoleBinding/a-second-crb#0',
      'RoleBinding/a-rolebinding#0',
    ]);
    expect(decision.reason).toMatch(/^allowed: ClusterRoleBinding z-first-crb → ClusterRole second-rule rule #1 .* names User "alice"/);
  });

  it('the subject that applies is reported with the path', () => {
    const decision = can(idx, plain('carol', 'devs'), getPods('ns1'));
    expect(decision.decidedBy).toMatchObject({ binding: { name: 'a-second-crb' }, subject: { kind: 'Group', name: 'devs' } });
    expect(decision.paths).toHaveLength(1);
  });

  it('a RoleBinding decides when no ClusterRoleBinding allows', () => {
    const decision = can(idx, plain('alice'), resourceRequest({ verb: 'get', resource: 'pods', name: 'p', namespace: 'ns1' }));
    expect(decision.decidedBy?.binding.name).toBe('z-first-crb');
    const onlyRb = can(compile(rbac(...objects.roles, ...objects.bindings.filter((b) => b.kind === 'RoleBinding'))), plain('alice'), getPods('ns1'));
    expect(onlyRb.decidedBy).toMatchObject({ binding: { kind: 'RoleBinding', namespace: 'ns1', name: 'a-rolebinding' }, namespace: 'ns1' });
  });
});

describe('rulesFor', () => {
  const objects = rbac(
    role('ns1', 'pods', [resourceRule(['get'], [''], ['pods']), resourceRule(['list'], [''], ['secrets'], ['s'])]),
    clusterRole('nodes', [resourceRule(['list'], [''], ['nodes'])]),
    roleBinding('ns1', 'pods', toRole('pods'), [userSubject('alice')]),
    roleBinding('ns2', 'pods-missing', toRole('pods'), [userSubject('alice')]),
    clusterRoleBinding('nodes', toClusterRole('nodes'), [groupSubject('ops')]),
    clusterRoleBinding('not-alice', toClusterRole('nodes'), [userSubject('bob')]),
    roleBinding('ns1', 'sa', toClusterRole('nodes'), [serviceAccountSubject('builder')]),
  );
  const idx = compile(objects);
  const alice = plain('alice', 'ops');

  it('a namespace: ClusterRoleBinding rules first, then RoleBinding rules of that namespace, unmerged', () => {
    const result = rulesFor(idx, alice, 'ns1');
    expect(result.rules.map((r) => ({ binding: r.binding.name, rule: r.rule, namespace: r.namespace }))).toEqual([
      { binding: 'nodes', rule: resourceRule(['list'], [''], ['nodes']), namespace: '' },
      { binding: 'pods', rule: resourceRule(['get'], [''], ['pods']), namespace: 'ns1' },
      { binding: 'pods', rule: resourceRule(['list'], [''], ['secrets'], ['s']), namespace: 'ns1' },
    ]);
    expect(result.rules[0]?.subject).toEqual(groupSubject('ops'));
    expect(result.incomplete).toEqual([]);
    expect(result.allowedBySystemMasters).toBe(false);
  });

  it('cluster scope: only ClusterRoleBinding rules', () => {
    expect(rulesFor(idx, alice, '').rules.map((r) => r.binding.name)).toEqual(['nodes']);
  });

  it('dangling references in the namespace make the answer incomplete', () => {
    const result = rulesFor(idx, alice, 'ns2');
    expect(result.rules.map((r) => r.binding.name)).toEqual(['nodes']);
    expect(result.incomplete).toEqual([expect.stringMatching(/RoleBinding pods-missing: .*not found in namespace ns2/)]);
  });

  it('ServiceAccount subjects default to the binding namespace; system:masters is flagged', () => {
    expect(rulesFor(idx, serviceAccountUser('ns1', 'builder'), 'ns1').rules.map((r) => r.binding.name)).toEqual(['sa']);
    expect(rulesFor(idx, serviceAccountUser('ns2', 'builder'), 'ns1').rules).toEqual([]);
    expect(rulesFor(idx, plain('root', 'system:masters'), 'ns1')).toEqual({ rules: [], allowedBySystemMasters: true, incomplete: [] });
  });
});
