/**
 * Property tests: the compiled engine (index, can, whoCan, rulesFor) against the naive reference evaluator
 * over random small RBAC sets. Alphabets are tiny on purpose, so that names, wildcards and namespaces collide
 * often: `*`, the any-resource scale form (`*` + `/scale`), subresources, resourceNames, nonResourceURLs
 * with trailing stars, aggregated ClusterRoles (offline and with stored rules), dangling and invalid
 * references, duplicate objects, ServiceAccount subjects with and without namespace, unknown subject kinds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonResourceRequest, resourceRequest, type AccessRequest, type ResourceRequest, type UserInfo } from '../../src/model/accessRequest.ts';
import type { Binding, LabelSelector, ObjectKey, PolicyRule, RbacObjects, Role, Subject } from '../../src/model/k8sRbac.ts';
import { buildRbacPolicy } from '../../src/engine/k8s/rbacPolicy.ts';
import { compileRbacIndex, type CompiledRbacIndex } from '../../src/engine/k8s/compiledRbacIndex.ts';
import { can } from '../../src/engine/k8s/can.ts';
import { whoCan, whoCanInAnyNamespace, type AnswerSubject } from '../../src/engine/k8s/whoCan.ts';
import { rulesFor } from '../../src/engine/k8s/rulesFor.ts';
import { ruleAllows } from '../../src/engine/k8s/ruleAllows.ts';
import { subjectAppliesTo } from '../../src/engine/k8s/subjectAppliesTo.ts';
import { rulesEqual } from '../../src/engine/k8s/aggregateClusterRoles.ts';
import { impersonatedUser, serviceAccountUser, MASTERS } from '../../src/engine/k8s/identity.ts';
import type { GrantPath } from '../../src/engine/k8s/grantPath.ts';
import { answerKey } from '../helpers/rbacFixtures.ts';
import { naiveCan, naiveRoleRefRules, naiveSubjectAppliesTo, naiveSubjectKey, naiveWhoCan } from '../reference/naiveAuthorizer.ts';

const NUM_RUNS = 400;

// ---- alphabets ------------------------------------------------------------------------------------------

const RULE_VERBS = ['get', 'list', 'create', 'GET', '*'];
const RULE_GROUPS = ['', 'apps', '*'];
const RULE_RESOURCES = ['pods', 'pods/log', 'pods/*', 'deployments', 'deployments/scale', '*/scale', '*/sca', '*', 'secrets', 'nodes'];
const RULE_NAMES = ['a', 'b'];
const RULE_URLS = ['/healthz', '/healthz*', '/api', '/api/*', '/api/**', '*', '/apis/*'];
const NAMESPACES = ['ns1', 'ns2'];
const CLUSTER_ROLE_NAMES = ['cr1', 'cr2', 'cr3', 'agg1', 'agg2'];
const ROLE_NAMES = ['r1', 'r2'];
const USER_NAMES = ['alice', 'bob'];
const GROUP_NAMES = ['g1', 'g2', MASTERS, 'system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:ns1'];
const SA_NAMES = ['sa1', 'sa2'];

const SELECTORS: LabelSelector[] = [
  { matchLabels: { agg: 'x' }, matchExpressions: [] },
  { matchLabels: { agg: 'y' }, matchExpressions: [] },
  { matchLabels: {}, matchExpressions: [{ key: 'agg', operator: 'In', values: ['x', 'y'] }] },
  { matchLabels: {}, matchExpressions: [{ key: 'agg', operator: 'Exists', values: [] }] },
  { matchLabels: {}, matchExpressions: [{ key: 'agg', operator: 'NotIn', values: ['x'] }] },
  { matchLabels: { team: 't' }, matchExpressions: [{ key: 'agg', operator: 'DoesNotExist', values: [] }] },
  { matchLabels: {}, matchExpressions: [] },
];
const LABEL_SETS: Record<string, string>[] = [{}, { agg: 'x' }, { agg: 'y' }, { agg: 'x', team: 't' }, { team: 't' }];

// ---- RBAC objects ---------------------------------------------------------------------------------------

const noStrings = fc.constant<string[]>([]);

/** `value` with probability 1/n, else null. */
function rarely<T>(arbitrary: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary, weight: 1 });
}

const ruleArb: fc.Arbitrary<PolicyRule> = fc.record({
  // Mostly non-empty; an empty list (which never matches) now and then.
  verbs: fc.oneof({ arbitrary: fc.subarray(RULE_VERBS, { minLength: 1, maxLength: 3 }), weight: 9 }, { arbitrary: noStrings, weight: 1 }),
  apiGroups: fc.oneof({ arbitrary: fc.subarray(RULE_GROUPS, { minLength: 1, maxLength: 2 }), weight: 9 }, { arbitrary: noStrings, weight: 1 }),
  resources: fc.oneof({ arbitrary: fc.subarray(RULE_RESOURCES, { minLength: 1, maxLength: 3 }), weight: 9 }, { arbitrary: noStrings, weight: 1 }),
  resourceNames: fc.oneof({ arbitrary: noStrings, weight: 3 }, { arbitrary: fc.subarray(RULE_NAMES, { minLength: 1 }), weight: 1 }),
  nonResourceURLs: fc.oneof({ arbitrary: noStrings, weight: 2 }, { arbitrary: fc.subarray(RULE_URLS, { minLength: 1, maxLength: 2 }), weight: 1 }),
});
const rulesArb = fc.array(ruleArb, { minLength: 1, maxLength: 3 });

const clusterRoleArb: fc.Arbitrary<Role> = fc
  .record({
    name: fc.constantFrom(...CLUSTER_ROLE_NAMES),
    labels: fc.constantFrom(...LABEL_SETS),
    rules: rulesArb,
    selectors: rarely(fc.array(fc.constantFrom(...SELECTORS), { minLength: 1, maxLength: 2 }), 3),
    // Aggregated roles: offline (rules: null) most of the time, otherwise stored rules (live or partial export).
    storedAggregated: fc.oneof({ arbitrary: fc.constant<PolicyRule[]>([]), weight: 3 }, { arbitrary: rulesArb, weight: 1 }),
  })
  .map(({ name, labels, rules, selectors, storedAggregated }): Role => {
    const base: Role = { kind: 'ClusterRole', name, namespace: '', labels, rules, source: 'property' };
    return selectors === null ? base : { ...base, rules: storedAggregated, aggregationRule: { clusterRoleSelectors: selectors } };
  });

const roleArb: fc.Arbitrary<Role> = fc
  .record({ namespace: fc.constantFrom(...NAMESPACES), name: fc.constantFrom(...ROLE_NAMES), rules: rulesArb })
  .map(({ namespace, name, rules }): Role => ({ kind: 'Role', name, namespace, labels: {}, rules, source: 'property' }));

const subjectArb: fc.Arbitrary<Subject> = fc.oneof(
  fc.constantFrom(...USER_NAMES).map((name): Subject => ({ kind: 'User', name, namespace: '', apiGroup: 'rbac.authorization.k8s.io' })),
  fc.constantFrom(...GROUP_NAMES).map((name): Subject => ({ kind: 'Group', name, namespace: '', apiGroup: 'rbac.authorization.k8s.io' })),
  fc
    .record({ name: fc.constantFrom(...SA_NAMES), namespace: fc.constantFrom('', ...NAMESPACES) })
    .map(({ name, namespace }): Subject => ({ kind: 'ServiceAccount', name, namespace, apiGroup: '' })),
  fc.constant<Subject>({ kind: 'Robot', name: 'alice', namespace: '', apiGroup: '' }),
);
// Mostly one to three subjects; a binding without subjects (like bootstrap system:node) now and then.
const subjectsArb = fc.oneof({ arbitrary: fc.array(subjectArb, { minLength: 1, maxLength: 3 }), weight: 9 }, { arbitrary: fc.constant<Subject[]>([]), weight: 1 });

const ref = (kind: string) => (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
const bogusRefArb = fc.constant({ apiGroup: 'example.com', kind: 'Bogus', name: 'cr1' });

/** A reference to one of `existing` most of the time, to a missing name now and then. */
function nameRef(existing: readonly string[], all: readonly string[]): fc.Arbitrary<string> {
  return existing.length === 0 ? fc.constantFrom(...all, 'missing') : fc.oneof({ arbitrary: fc.constantFrom(...existing), weight: 6 }, { arbitrary: fc.constantFrom(...all, 'missing'), weight: 1 });
}

function bindingArb(roles: readonly Role[]): fc.Arbitrary<Binding> {
  const clusterRoleRef = nameRef(roles.filter((r) => r.kind === 'ClusterRole').map((r) => r.name), CLUSTER_ROLE_NAMES).map(ref('ClusterRole'));
  const roleRef = (namespace: string) => nameRef(roles.filter((r) => r.kind === 'Role' && r.namespace === namespace).map((r) => r.name), ROLE_NAMES).map(ref('Role'));
  const clusterRoleBinding = fc
    .record({
      // A ClusterRoleBinding naming a Role (or another kind) is invalid and grants nothing; keep it rare.
      roleRef: fc.oneof({ arbitrary: clusterRoleRef, weight: 12 }, { arbitrary: roleRef(''), weight: 1 }, { arbitrary: bogusRefArb, weight: 1 }),
      subjects: subjectsArb,
    })
    .map(({ roleRef, subjects }): Binding => ({ kind: 'ClusterRoleBinding', name: '', namespace: '', roleRef, subjects, source: 'property' }));
  const roleBinding = fc.constantFrom(...NAMESPACES).chain((namespace) =>
    fc
      .record({
        roleRef: fc.oneof({ arbitrary: clusterRoleRef, weight: 6 }, { arbitrary: roleRef(namespace), weight: 5 }, { arbitrary: bogusRefArb, weight: 1 }),
        subjects: subjectsArb,
      })
      .map(({ roleRef, subjects }): Binding => ({ kind: 'RoleBinding', name: '', namespace, roleRef, subjects, source: 'property' })),
  );
  return fc.oneof(clusterRoleBinding, roleBinding);
}

/**
 * Objects are unique by kind, namespace and name as in a cluster, except for one occasional duplicate (a
 * manifest set applying an object twice: the later one wins, in the engine and in the reference alike).
 */
const objectsArb: fc.Arbitrary<RbacObjects> = fc
  .record({
    clusterRoles: fc.uniqueArray(clusterRoleArb, { selector: (r) => r.name, minLength: 1, maxLength: 5 }),
    roles: fc.uniqueArray(roleArb, { selector: (r) => `${r.namespace}/${r.name}`, maxLength: 3 }),
    duplicateRole: rarely(fc.oneof(clusterRoleArb, roleArb), 6),
  })
  .chain(({ clusterRoles, roles, duplicateRole }) => {
    const allRoles = [...clusterRoles, ...roles];
    if (duplicateRole !== null) allRoles.push(duplicateRole);
    return fc
      .record({ bindings: fc.array(bindingArb(allRoles), { minLength: 1, maxLength: 7 }), duplicateBinding: rarely(bindingArb(allRoles), 6) })
      .map(({ bindings, duplicateBinding }) => {
        const named = bindings.map((b, i) => ({ ...b, name: `b${i}` }));
        // Same kind, namespace and name as the first binding, different content.
        const first = named[0];
        if (duplicateBinding !== null && first !== undefined) named.push({ ...duplicateBinding, kind: first.kind, namespace: first.namespace, name: first.name });
        return { roles: allRoles, bindings: named };
      });
  });

// ---- questions ------------------------------------------------------------------------------------------

const resourceRequestArb: fc.Arbitrary<ResourceRequest> = fc
  .record({
    verb: fc.constantFrom('get', 'list', 'create', 'GET', 'delete'),
    apiGroup: fc.constantFrom('', 'apps', 'batch'),
    resource: fc.constantFrom('pods', 'deployments', 'secrets', 'nodes'),
    subresource: fc.constantFrom('', '', 'log', 'scale', 'sca', '*'),
    name: fc.constantFrom('', 'a', 'c'),
    namespace: fc.constantFrom('', 'ns1', 'ns2', 'ns3'),
  })
  .map((fields) => resourceRequest(fields));

const requestArb: fc.Arbitrary<AccessRequest> = fc.oneof(
  { arbitrary: resourceRequestArb, weight: 3 },
  {
    arbitrary: fc
      .record({
        verb: fc.constantFrom('get', 'post', 'GET'),
        path: fc.constantFrom('/healthz', '/healthzfoo', '/healthz/etcd', '/api', '/api/', '/api/v1', '/apis', '/apis/apps', '/', '/version'),
      })
      .map(({ verb, path }) => nonResourceRequest(verb, path)),
    weight: 1,
  },
);

const SA_USERNAMES = ['system:serviceaccount:ns1:sa1', 'system:serviceaccount:ns2:sa1', 'system:serviceaccount:ns1:sa2', 'system:serviceaccount:ns3:sa2'];

const userArb: fc.Arbitrary<UserInfo> = fc.oneof(
  fc.record({ name: fc.constantFrom(...USER_NAMES, ...SA_USERNAMES, 'system:anonymous'), groups: fc.subarray(GROUP_NAMES, { maxLength: 3 }) }),
  fc.record({ namespace: fc.constantFrom(...NAMESPACES, 'ns3'), name: fc.constantFrom(...SA_NAMES) }).map(({ namespace, name }) => serviceAccountUser(namespace, name)),
  fc
    .record({ name: fc.constantFrom(...USER_NAMES, ...SA_USERNAMES, 'system:anonymous'), groups: fc.subarray(GROUP_NAMES.filter((g) => g !== MASTERS), { maxLength: 2 }) })
    .map(({ name, groups }) => impersonatedUser(name, groups)),
);

/*
 * Uniformly random questions rarely hit anything in a random policy, so two thirds of them are derived from
 * the policy itself: a request made from a rule some binding resolves to (wildcards instantiated, usually in the
 * binding's namespace, names random), a user made from some binding's subject (plus random groups). Both
 * kinds are still checked in full against the reference.
 */
function instantiate(values: readonly string[], wildcard: string, fallback: string): fc.Arbitrary<string> {
  return fc.constantFrom(...(values.length > 0 ? values : [fallback])).map((v) => (v === '*' ? wildcard : v));
}

function requestFromRule(rule: PolicyRule, bindingNamespace: string): fc.Arbitrary<AccessRequest> {
  const anyNamespace = fc.constantFrom('', 'ns1', 'ns2', 'ns3');
  const namespace = bindingNamespace === '' ? anyNamespace : fc.oneof({ arbitrary: fc.constant(bindingNamespace), weight: 3 }, { arbitrary: anyNamespace, weight: 1 });
  if (rule.nonResourceURLs.length > 0 && (rule.resources.length === 0 || rule.apiGroups.length === 0)) {
    return fc
      .record({ verb: instantiate(rule.verbs, 'post', 'get'), url: fc.constantFrom(...rule.nonResourceURLs), suffix: fc.constantFrom('', 'v1', '/x') })
      .map(({ verb, url, suffix }) => nonResourceRequest(verb, url === '*' ? `/any${suffix}` : url.endsWith('*') ? `${url.replace(/\*+$/, '')}${suffix}` : url));
  }
  return fc
    .record({
      verb: instantiate(rule.verbs, 'delete', 'get'),
      apiGroup: instantiate(rule.apiGroups, 'batch', ''),
      resource: fc.constantFrom(...(rule.resources.length > 0 ? rule.resources : ['pods'])).chain((r) =>
        r === '*' ? fc.constantFrom('pods', 'pods/log', 'deployments/scale') : r.startsWith('*/') ? fc.constantFrom(`deployments${r.slice(1)}`, `pods${r.slice(1)}`) : fc.constant(r),
      ),
      name: fc.constantFrom('', 'c', ...rule.resourceNames),
      namespace,
    })
    .map(({ verb, apiGroup, resource, name, namespace }) => {
      const slash = resource.indexOf('/');
      const [res, sub] = slash < 0 ? [resource, ''] : [resource.slice(0, slash), resource.slice(slash + 1)];
      return resourceRequest({ verb, apiGroup, resource: res, subresource: sub, name, namespace });
    });
}

function userFromSubject(subject: Subject, bindingNamespace: string): fc.Arbitrary<UserInfo> {
  const extra = fc.subarray(GROUP_NAMES.filter((g) => g !== MASTERS), { maxLength: 2 });
  switch (subject.kind) {
    case 'User':
      return extra.map((groups) => ({ name: subject.name, groups }));
    case 'Group':
      return extra.map((groups) => ({ name: 'zed', groups: [subject.name, ...groups] }));
    case 'ServiceAccount':
      return fc
        .constantFrom(subject.namespace === '' ? bindingNamespace : subject.namespace, ...NAMESPACES)
        .map((ns) => serviceAccountUser(ns === '' ? 'ns3' : ns, subject.name));
    default:
      return userArb;
  }
}

const scenarioArb = objectsArb.chain((objects) => {
  const grants = objects.bindings.flatMap((binding) => naiveRoleRefRules(objects, binding).rules.map((rule) => ({ rule, namespace: binding.namespace })));
  const subjects = objects.bindings.flatMap((binding) => binding.subjects.map((subject) => ({ subject, namespace: binding.namespace })));
  const derivedRequest = grants.length === 0 ? requestArb : fc.constantFrom(...grants).chain((g) => requestFromRule(g.rule, g.namespace));
  const derivedUser = subjects.length === 0 ? userArb : fc.constantFrom(...subjects).chain((s) => userFromSubject(s.subject, s.namespace));
  return fc.record({
    objects: fc.constant(objects),
    requests: fc.array(fc.oneof({ arbitrary: requestArb, weight: 1 }, { arbitrary: derivedRequest, weight: 2 }), { minLength: 1, maxLength: 5 }),
    users: fc.array(fc.oneof({ arbitrary: userArb, weight: 1 }, { arbitrary: derivedUser, weight: 2 }), { minLength: 1, maxLength: 5 }),
  });
});

// ---- helpers --------------------------------------------------------------------------------------------

function compile(objects: RbacObjects): CompiledRbacIndex {
  return compileRbacIndex(buildRbacPolicy(objects));
}

const requestNamespace = (request: AccessRequest) => (request.type === 'resource' ? request.namespace : '');

function toSubject(subject: AnswerSubject): Subject {
  return { kind: subject.kind, name: subject.name, namespace: subject.namespace ?? '', apiGroup: '' };
}

/** The binding a path names; the engine keeps the last of duplicates, as does the reference. */
function bindingOf(objects: RbacObjects, key: ObjectKey): Binding | undefined {
  return objects.bindings.findLast((b) => b.kind === key.kind && b.name === key.name && b.namespace === (key.namespace ?? ''));
}

/** A path must be a real rule of the binding's role that allows the request in a namespace the request is evaluated in. */
function expectGenuinePath(objects: RbacObjects, request: AccessRequest, path: GrantPath): Binding {
  expect(ruleAllows(path.rule, request)).toBe(true);
  expect(path.namespace === '' || path.namespace === requestNamespace(request)).toBe(true);
  const binding = bindingOf(objects, path.binding);
  expect(binding).toBeDefined();
  if (binding === undefined) throw new Error('unreachable');
  expect(path.namespace).toBe(binding.namespace);
  expect(path.role.kind).toBe(binding.roleRef.kind);
  expect(path.role.name).toBe(binding.roleRef.name);
  const resolved = naiveRoleRefRules(objects, binding);
  expect('error' in resolved).toBe(false);
  const rule = resolved.rules[path.ruleIndex];
  expect(rule !== undefined && rulesEqual(rule, path.rule)).toBe(true);
  return binding;
}

// ---- properties -----------------------------------------------------------------------------------------

describe('engine vs naive reference evaluator (property)', () => {
  it('(a) can(...).allowed equals naiveCan', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests, users }) => {
        const index = compile(objects);
        for (const request of requests) {
          for (const user of users) expect(can(index, user, request).allowed).toBe(naiveCan(objects, user, request));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(b) whoCan subject set equals naiveWhoCan', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests }) => {
        const index = compile(objects);
        for (const request of requests) {
          const engine = whoCan(index, request).subjects.map((s) => answerKey(s.subject));
          expect(new Set(engine).size).toBe(engine.length);
          expect(engine.sort()).toEqual([...naiveWhoCan(objects, request)].sort());
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(c) can(u, r) ⇔ u in system:masters or some whoCan(r) subject applies to u', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests, users }) => {
        const index = compile(objects);
        for (const request of requests) {
          const subjects = whoCan(index, request).subjects.map((s) => toSubject(s.subject));
          for (const user of users) {
            const expected = user.groups.includes(MASTERS) || subjects.some((s) => subjectAppliesTo(s, user, ''));
            expect(can(index, user, request).allowed).toBe(expected);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(d) every path whoCan and can return really allows the request, and its binding names the subject', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests, users }) => {
        const index = compile(objects);
        for (const request of requests) {
          for (const access of whoCan(index, request).subjects) {
            expect(access.via.length).toBeGreaterThan(0);
            for (const path of access.via) {
              const binding = expectGenuinePath(objects, request, path);
              expect(binding.subjects.some((s) => naiveSubjectKey(s, binding.namespace) === answerKey(access.subject))).toBe(true);
            }
          }
          for (const user of users) {
            const decision = can(index, user, request);
            for (const path of decision.paths) {
              const binding = expectGenuinePath(objects, request, path);
              expect(binding.subjects).toContainEqual(path.subject);
              expect(naiveSubjectAppliesTo(path.subject, user, binding.namespace)).toBe(true);
            }
            // All grants of the user are found, in upstream order: ClusterRoleBindings in list order, then the
            // RoleBindings of the request's namespace in list order, each role's rules in order.
            const ns = requestNamespace(request);
            const latest = objects.bindings.filter((b, i) => objects.bindings.findLastIndex((o) => o.kind === b.kind && o.namespace === b.namespace && o.name === b.name) === i);
            const consulted = [...latest.filter((b) => b.kind === 'ClusterRoleBinding'), ...latest.filter((b) => b.kind === 'RoleBinding' && ns !== '' && b.namespace === ns)];
            const expectedPaths = consulted
              .filter((b) => b.subjects.some((s) => naiveSubjectAppliesTo(s, user, b.namespace)))
              .flatMap((b) => naiveRoleRefRules(objects, b).rules.map((r, i) => (ruleAllows(r, request) ? [`${b.kind}/${b.namespace}/${b.name}#${i}`] : [])).flat());
            expect(decision.paths.map((p) => `${p.binding.kind}/${p.binding.namespace ?? ''}/${p.binding.name}#${p.ruleIndex}`)).toEqual(expectedPaths);
            if (decision.allowed && !decision.allowedBySystemMasters) expect(decision.decidedBy).toBe(decision.paths[0]);
            if (!decision.allowed) expect(decision.paths).toEqual([]);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(e) whoCanInAnyNamespace is the union of whoCan over every namespace, with "*" exactly for cluster-wide grants', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests }) => {
        const index = compile(objects);
        for (const request of requests) {
          if (request.type !== 'resource') continue;
          const clusterWide = naiveWhoCan(objects, { ...request, namespace: '' });
          const perNamespace = new Map(NAMESPACES.map((ns) => [ns, naiveWhoCan(objects, { ...request, namespace: ns })]));
          const expected = new Map<string, string[]>();
          for (const key of clusterWide) expected.set(key, ['*']);
          for (const [ns, keys] of perNamespace) {
            for (const key of keys) if (!clusterWide.has(key)) expected.set(key, [...(expected.get(key) ?? []), ns]);
          }
          const answer = whoCanInAnyNamespace(index, request);
          const actual = new Map(answer.subjects.map((s) => [answerKey(s.subject), s.namespaces ?? []]));
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(f) rulesFor(u, namespace) contains an allowing rule ⇔ RBAC allows (without system:masters)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ objects, requests, users }) => {
        const index = compile(objects);
        for (const request of requests) {
          for (const user of users) {
            const effective = rulesFor(index, user, requestNamespace(request));
            const viaRules = effective.rules.some((r) => ruleAllows(r.rule, request));
            const decision = can(index, user, request);
            expect(viaRules).toBe(decision.paths.length > 0);
            expect(decision.allowed).toBe(viaRules || effective.allowedBySystemMasters);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
