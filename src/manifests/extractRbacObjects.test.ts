import { describe, expect, it } from 'vitest';
import { extractRbacObjects } from './extractRbacObjects.ts';
import { ManifestError } from './ManifestError.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';

const role = (name: string, namespace = 'payments') => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
const clusterRole = (name: string) => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules: [] });
const roleBinding = (name: string, namespace = 'payments') => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
  subjects: [{ kind: 'User', name: 'alice' }],
});
const clusterRoleBinding = (name: string) => ({
  apiVersion: RBAC,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'Group', name: 'devs' }],
});
/** What the API returns inside a typed list: the item carries neither kind nor apiVersion. */
const bare = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([key]) => key !== 'kind' && key !== 'apiVersion'));

function errorOf(documents: { value: unknown; source: string }[]): string {
  try {
    extractRbacObjects(documents);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('expected extractRbacObjects to throw');
}

describe('extractRbacObjects: shapes', () => {
  it('keeps single objects, sorted into roles and bindings, with their sources', () => {
    const result = extractRbacObjects([
      { value: role('r'), source: 'a.yaml document 1' },
      { value: clusterRoleBinding('crb'), source: 'a.yaml document 2' },
      { value: clusterRole('cr'), source: 'b.json' },
      { value: roleBinding('rb'), source: 'c.yaml' },
    ]);
    expect(result.roles.map((r) => [r.kind, r.name, r.source])).toEqual([
      ['Role', 'r', 'a.yaml document 1'],
      ['ClusterRole', 'cr', 'b.json'],
    ]);
    expect(result.bindings.map((b) => [b.kind, b.name, b.source])).toEqual([
      ['ClusterRoleBinding', 'crb', 'a.yaml document 2'],
      ['RoleBinding', 'rb', 'c.yaml'],
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.skipped.size).toBe(0);
  });

  it('skips empty documents (null) silently', () => {
    const result = extractRbacObjects([
      { value: null, source: 'a.yaml document 1' },
      { value: role('r'), source: 'a.yaml document 2' },
      { value: undefined, source: 'a.yaml document 3' },
    ]);
    expect(result.roles).toHaveLength(1);
    expect(result.warnings).toEqual([]);
  });

  it('walks `kind: List` items, each with its own kind, naming items by index', () => {
    const result = extractRbacObjects([
      { value: { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [clusterRole('cr'), roleBinding('rb'), clusterRoleBinding('crb')] }, source: 'rbac.yaml' },
    ]);
    expect(result.roles.map((r) => r.source)).toEqual(['rbac.yaml items[0]']);
    expect(result.bindings.map((b) => [b.name, b.source])).toEqual([
      ['rb', 'rbac.yaml items[1]'],
      ['crb', 'rbac.yaml items[2]'],
    ]);
  });

  it('reads typed lists whose items carry no kind (RoleBindingList, ClusterRoleList) as the API returns them', () => {
    const result = extractRbacObjects([
      { value: { apiVersion: RBAC, kind: 'RoleBindingList', metadata: {}, items: [bare(roleBinding('a')), bare(roleBinding('b', 'frontend'))] }, source: 'rb.json' },
      { value: { apiVersion: RBAC, kind: 'ClusterRoleList', items: [bare(clusterRole('x'))] }, source: 'cr.json' },
    ]);
    expect(result.bindings.map((b) => [b.kind, b.namespace, b.name, b.source])).toEqual([
      ['RoleBinding', 'payments', 'a', 'rb.json items[0]'],
      ['RoleBinding', 'frontend', 'b', 'rb.json items[1]'],
    ]);
    expect(result.roles.map((r) => [r.kind, r.name])).toEqual([['ClusterRole', 'x']]);
  });

  it('lets an item kind inside a typed list win over the implied one', () => {
    const result = extractRbacObjects([{ value: { kind: 'RoleList', items: [clusterRole('cr')] }, source: 'x.yaml' }]);
    expect(result.roles.map((r) => r.kind)).toEqual(['ClusterRole']);
  });

  it('skips other kinds and counts them by kind in one warning, inside lists too', () => {
    const result = extractRbacObjects([
      { value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, source: 'a.yaml document 1' },
      { value: { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret' }, role('r'), { apiVersion: 'v1', kind: 'ConfigMap' }] }, source: 'a.yaml document 2' },
      { value: { apiVersion: 'v1', kind: 'ServiceAccountList', items: [{ metadata: { name: 'sa' } }] }, source: 'b.yaml' },
      { value: { kind: 'List', items: [] }, source: 'c.yaml' },
    ]);
    expect(result.roles).toHaveLength(1);
    expect(Object.fromEntries(result.skipped)).toEqual({ ConfigMap: 2, Secret: 1, ServiceAccount: 1 });
    expect(result.warnings).toEqual(['skipped 4 object(s) that are not RBAC objects (ConfigMap: 2, Secret: 1, ServiceAccount: 1)']);
  });

  it('accepts older RBAC apiVersions and objects without an apiVersion', () => {
    const result = extractRbacObjects([
      { value: { ...clusterRole('old'), apiVersion: 'rbac.authorization.k8s.io/v1beta1' }, source: 'a.yaml' },
      { value: { kind: 'ClusterRole', metadata: { name: 'y' } }, source: 'b.yaml' },
    ]);
    expect(result.roles.map((r) => r.name)).toEqual(['old', 'y']);
  });

  it('passes on warnings of the objects (namespaced object without a namespace)', () => {
    const result = extractRbacObjects([{ value: { apiVersion: RBAC, kind: 'Role', metadata: { name: 'r' } }, source: 'a.yaml' }]);
    expect(result.warnings).toEqual(['a.yaml: Role "r" has no metadata.namespace; assuming "default"']);
  });
});

describe('extractRbacObjects: bad input', () => {
  it('a document that is not a mapping', () => {
    expect(errorOf([{ value: 'just a string', source: 'a.yaml document 3' }])).toBe('a.yaml document 3: expected a Kubernetes object (a mapping), got "just a string"');
    expect(errorOf([{ value: [role('r')], source: 'b.json' }])).toMatch(/^b\.json: expected a Kubernetes object \(a mapping\), got \[/);
  });

  it('a list item that is not a mapping, naming the item', () => {
    expect(errorOf([{ value: { kind: 'List', items: [role('r'), 42] }, source: 'a.yaml' }])).toBe('a.yaml items[1]: expected a Kubernetes object (a mapping), got 42');
  });

  it('an object without kind (outside a typed list)', () => {
    expect(errorOf([{ value: bare(role('r')), source: 'a.yaml document 2' }])).toBe('a.yaml document 2: object has no kind');
    expect(errorOf([{ value: { kind: 'List', items: [bare(role('r'))] }, source: 'a.yaml' }])).toBe('a.yaml items[0]: object has no kind');
  });

  it('an RBAC kind with a wrong apiVersion', () => {
    expect(errorOf([{ value: { ...role('r'), apiVersion: 'v1' }, source: 'a.yaml' }])).toBe('a.yaml: Role has apiVersion "v1"; RBAC objects are rbac.authorization.k8s.io/v1');
    expect(errorOf([{ value: { kind: 'List', items: [clusterRole('ok'), { ...clusterRoleBinding('crb'), apiVersion: 'authorization.k8s.io/v1' }] }, source: 'a.yaml' }])).toBe(
      'a.yaml items[1]: ClusterRoleBinding has apiVersion "authorization.k8s.io/v1"; RBAC objects are rbac.authorization.k8s.io/v1',
    );
  });

  it('malformed objects inside a list name the item and the field', () => {
    const bad = { ...role('r'), rules: [{ verbs: ['get'] }, { verbs: [true] }] };
    expect(errorOf([{ value: { kind: 'RoleList', items: [bare(role('ok')), bare(bad)] }, source: 'rbac.json' }])).toBe(
      'rbac.json items[1]: Role "r" rules[1].verbs must be a list of strings, got [true]',
    );
  });
});
