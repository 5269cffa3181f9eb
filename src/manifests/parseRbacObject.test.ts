import { describe, expect, it } from 'vitest';
import { isRbacKind, parseRbacObject } from './parseRbacObject.ts';
import { ManifestError } from './ManifestError.ts';

const SRC = 'rbac.yaml document 2';

/** Runs the parser and returns the thrown error's message, failing the test when nothing is thrown. */
function errorOf(value: Record<string, unknown>, kind: Parameters<typeof parseRbacObject>[1]): string {
  try {
    parseRbacObject(value, kind, SRC);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('expected parseRbacObject to throw');
}

describe('isRbacKind', () => {
  it('accepts exactly the four RBAC kinds', () => {
    expect(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].every(isRbacKind)).toBe(true);
    expect(isRbacKind('role')).toBe(false);
    expect(isRbacKind('RoleList')).toBe(false);
    expect(isRbacKind(undefined)).toBe(false);
    expect(isRbacKind(3)).toBe(false);
  });
});

describe('parseRbacObject: valid shapes', () => {
  it('normalises a Role: absent and null rule fields become empty lists, labels and source are kept', () => {
    const { object, warnings } = parseRbacObject(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'payments', labels: { team: 'payments' }, annotations: { any: 'thing' } },
        rules: [
          { apiGroups: [''], resources: ['secrets'], resourceNames: ['db-password'], verbs: ['get'] },
          { nonResourceURLs: null, verbs: ['list'] },
        ],
      },
      'Role',
      SRC,
    );
    expect(warnings).toEqual([]);
    expect(object).toEqual({
      kind: 'Role',
      name: 'reader',
      namespace: 'payments',
      labels: { team: 'payments' },
      source: SRC,
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['db-password'], nonResourceURLs: [] },
        { verbs: ['list'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [] },
      ],
    });
  });

  it('reads `rules: null` (as the bootstrap policy writes aggregated roles) as no rules', () => {
    const { object } = parseRbacObject({ metadata: { name: 'admin' }, rules: null }, 'ClusterRole', SRC);
    expect(object).toMatchObject({ kind: 'ClusterRole', name: 'admin', namespace: '', rules: [] });
    expect('aggregationRule' in object).toBe(false);
  });

  it('ignores metadata.namespace on cluster-scoped kinds', () => {
    const { object, warnings } = parseRbacObject({ metadata: { name: 'cr', namespace: 'kube-system' } }, 'ClusterRole', SRC);
    expect(object.namespace).toBe('');
    expect(warnings).toEqual([]);
  });

  it('parses a ClusterRole aggregationRule with matchLabels and matchExpressions', () => {
    const { object } = parseRbacObject(
      {
        metadata: { name: 'monitoring' },
        aggregationRule: {
          clusterRoleSelectors: [
            { matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
            { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] },
          ],
        },
        rules: [],
      },
      'ClusterRole',
      SRC,
    );
    expect(object).toMatchObject({
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' }, matchExpressions: [] },
          {
            matchLabels: {},
            matchExpressions: [
              { key: 'tier', operator: 'In', values: ['a', 'b'] },
              { key: 'legacy', operator: 'DoesNotExist', values: [] },
            ],
          },
        ],
      },
    });
  });

  it('normalises a RoleBinding: subjects with optional namespace and apiGroup, the roleRef', () => {
    const { object, warnings } = parseRbacObject(
      {
        metadata: { name: 'ci-deployer', namespace: 'payments' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
        subjects: [
          { kind: 'ServiceAccount', name: 'ci' },
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' },
          { kind: 'ServiceAccount', name: 'bot', namespace: 'tools' },
        ],
      },
      'RoleBinding',
      SRC,
    );
    expect(warnings).toEqual([]);
    expect(object).toEqual({
      kind: 'RoleBinding',
      name: 'ci-deployer',
      namespace: 'payments',
      source: SRC,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
      subjects: [
        { kind: 'ServiceAccount', name: 'ci', namespace: '', apiGroup: '' },
        { kind: 'Group', name: 'devs', namespace: '', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'bot', namespace: 'tools', apiGroup: '' },
      ],
    });
  });

  it('accepts a ClusterRoleBinding without subjects (it grants nothing, but it is valid)', () => {
    const { object } = parseRbacObject({ metadata: { name: 'empty' }, roleRef: { kind: 'ClusterRole', name: 'view' } }, 'ClusterRoleBinding', SRC);
    expect(object).toMatchObject({ kind: 'ClusterRoleBinding', namespace: '', subjects: [], roleRef: { apiGroup: '', kind: 'ClusterRole', name: 'view' } });
  });

  it('places a namespaced object without metadata.namespace in "default" and says so, naming file and object', () => {
    const { object, warnings } = parseRbacObject({ metadata: { name: 'r' }, rules: [] }, 'Role', SRC);
    expect(object.namespace).toBe('default');
    expect(warnings).toEqual([`${SRC}: Role "r" has no metadata.namespace; assuming "default"`]);
  });
});

describe('parseRbacObject: malformed objects name the file, the object and the field', () => {
  it('missing metadata.name', () => {
    expect(errorOf({ metadata: { namespace: 'x' }, rules: [] }, 'Role')).toContain(`${SRC}: Role has no metadata.name`);
    expect(errorOf({ metadata: { name: '' }, rules: [] }, 'ClusterRole')).toContain(`${SRC}: ClusterRole has no metadata.name`);
    expect(errorOf({ rules: [] }, 'ClusterRole')).toContain(`${SRC}: ClusterRole has no metadata.name`);
    expect(errorOf({ metadata: 'reader', rules: [] }, 'Role')).toBe(`${SRC}: Role metadata must be a mapping`);
  });

  it('a binding without metadata.name is kept under a made-up name, with a warning (it is never referenced by name)', () => {
    const { object, warnings } = parseRbacObject({ metadata: { namespace: 'a' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [] }, 'RoleBinding', SRC);
    expect(object.name).toBe(`(unnamed RoleBinding at ${SRC})`);
    expect(warnings).toContain(`${SRC}: RoleBinding has no metadata.name; evaluated as "(unnamed RoleBinding at ${SRC})"`);
  });

  it('metadata.name that is not a string', () => {
    expect(errorOf({ metadata: { name: 42 } }, 'Role')).toBe(`${SRC}: Role metadata.name must be a string, got 42`);
  });

  it('metadata.namespace and metadata.labels of the wrong type', () => {
    expect(errorOf({ metadata: { name: 'r', namespace: ['a'] } }, 'Role')).toBe(`${SRC}: Role "r" metadata.namespace must be a string, got ["a"]`);
    expect(errorOf({ metadata: { name: 'r', namespace: 'a', labels: { on: true } } }, 'Role')).toBe(`${SRC}: Role "r" metadata.labels must be a map of strings`);
  });

  it('rules that are not a list', () => {
    const message = errorOf({ metadata: { name: 'r', namespace: 'a' }, rules: 'get everything' }, 'Role');
    expect(message).toContain(`${SRC}: Role "r"`);
    expect(message).toContain('rules must be a list, got "get everything"');
  });

  it('a rule that is not a mapping, with its index', () => {
    expect(errorOf({ metadata: { name: 'cr' }, rules: [{ verbs: ['get'] }, 'get'] }, 'ClusterRole')).toBe(`${SRC}: ClusterRole "cr" rules[1] must be a mapping, got "get"`);
  });

  it('verbs that are not strings, with the rule index', () => {
    const rules = [{ verbs: ['get'] }, { verbs: ['list'] }, { verbs: ['get', 7], resources: ['pods'] }];
    expect(errorOf({ metadata: { name: 'r', namespace: 'a' }, rules }, 'Role')).toBe(`${SRC}: Role "r" rules[2].verbs must be a list of strings, got ["get",7]`);
  });

  it('a single string where a list is expected (verbs: get)', () => {
    expect(errorOf({ metadata: { name: 'r', namespace: 'a' }, rules: [{ verbs: 'get' }] }, 'Role')).toBe(`${SRC}: Role "r" rules[0].verbs must be a list of strings, got "get"`);
  });

  it('other rule fields that are not string lists', () => {
    expect(errorOf({ metadata: { name: 'cr' }, rules: [{ verbs: ['get'], apiGroups: [null] }] }, 'ClusterRole')).toBe(
      `${SRC}: ClusterRole "cr" rules[0].apiGroups must be a list of strings, got [null]`,
    );
    expect(errorOf({ metadata: { name: 'cr' }, rules: [{ verbs: ['get'], nonResourceURLs: { '/healthz': true } }] }, 'ClusterRole')).toBe(
      `${SRC}: ClusterRole "cr" rules[0].nonResourceURLs must be a list of strings, got {"/healthz":true}`,
    );
  });

  it('missing roleRef', () => {
    expect(errorOf({ metadata: { name: 'b', namespace: 'a' }, subjects: [] }, 'RoleBinding')).toBe(
      `${SRC}: RoleBinding "b" roleRef is required (a mapping with apiGroup, kind and name)`,
    );
    expect(errorOf({ metadata: { name: 'b' }, roleRef: 'cluster-admin' }, 'ClusterRoleBinding')).toBe(
      `${SRC}: ClusterRoleBinding "b" roleRef is required (a mapping with apiGroup, kind and name)`,
    );
  });

  it('a roleRef without kind or name', () => {
    expect(errorOf({ metadata: { name: 'b' }, roleRef: { name: 'view' } }, 'ClusterRoleBinding')).toBe(`${SRC}: ClusterRoleBinding "b" roleRef.kind is required`);
    expect(errorOf({ metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole' } }, 'ClusterRoleBinding')).toBe(`${SRC}: ClusterRoleBinding "b" roleRef.name is required`);
  });

  it('subjects that are not a list, or a subject without kind or name, with its index', () => {
    const roleRef = { kind: 'ClusterRole', name: 'view' };
    const notList = errorOf({ metadata: { name: 'b' }, roleRef, subjects: { kind: 'User', name: 'u' } }, 'ClusterRoleBinding');
    expect(notList).toContain(`${SRC}: ClusterRoleBinding "b"`);
    expect(notList).toContain('subjects must be a list');
    expect(errorOf({ metadata: { name: 'b' }, roleRef, subjects: [{ kind: 'User', name: 'u' }, { name: 'g' }] }, 'ClusterRoleBinding')).toBe(
      `${SRC}: ClusterRoleBinding "b" subjects[1].kind is required`,
    );
    expect(errorOf({ metadata: { name: 'b', namespace: 'n' }, roleRef, subjects: ['alice'] }, 'RoleBinding')).toBe(`${SRC}: RoleBinding "b" subjects[0] must be a mapping`);
  });

  it('an aggregation selector with an unknown operator', () => {
    const value = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'k', operator: 'Equals', values: ['v'] }] }] } };
    expect(errorOf(value, 'ClusterRole')).toBe(
      `${SRC}: ClusterRole "agg" aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator must be one of In, NotIn, Exists, DoesNotExist, got "Equals"`,
    );
  });
});
