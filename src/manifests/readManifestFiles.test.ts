import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifestFiles } from './readManifestFiles.ts';
import { ManifestError } from './ManifestError.ts';

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aks-access-read-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes files (relative path → content) into a fresh subdirectory and returns it. */
async function tree(files: Record<string, string | Buffer>): Promise<string> {
  const root = join(dir, `case-${String(++n)}`);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
  }
  return root;
}

async function errorOf(paths: string[]): Promise<string> {
  try {
    await readManifestFiles(paths);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('expected readManifestFiles to throw');
}

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: payments}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
`;
const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader-binding, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: User, name: alice}
`;
const CLUSTER_ROLE = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}}
rules: []
`;

describe('readManifestFiles: valid input', () => {
  it('reads a single-object YAML file', async () => {
    const root = await tree({ 'role.yaml': ROLE });
    const result = await readManifestFiles([join(root, 'role.yaml')]);
    expect(result.files).toEqual([join(root, 'role.yaml')]);
    expect(result.roles).toHaveLength(1);
    // One document: the source is the bare path.
    expect(result.roles[0]?.source).toBe(join(root, 'role.yaml'));
    expect(result.roles[0]?.rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: [], nonResourceURLs: [] }]);
  });

  it('reads multi-document YAML, skipping empty documents and numbering the rest as they appear', async () => {
    const root = await tree({ 'all.yaml': `---\n${ROLE}---\n---\n# only a comment\n---\n${BINDING}---\n` });
    const file = join(root, 'all.yaml');
    const result = await readManifestFiles([file]);
    expect(result.roles.map((r) => r.source)).toEqual([`${file} document 1`]);
    expect(result.bindings.map((b) => [b.name, b.source])).toEqual([['reader-binding', `${file} document 4`]]);
    expect(result.warnings).toEqual([]);
  });

  it('reads an empty file as no objects', async () => {
    const root = await tree({ 'empty.yaml': '', 'role.yaml': ROLE });
    const result = await readManifestFiles([join(root, 'empty.yaml'), join(root, 'role.yaml')]);
    expect(result.roles).toHaveLength(1);
  });

  it('reads `kind: List` YAML as `kubectl get ... -o yaml` writes it, skipping and counting other kinds', async () => {
    const list = `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- ${ROLE.trimEnd().replaceAll('\n', '\n  ')}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c, namespace: payments}
- ${BINDING.trimEnd().replaceAll('\n', '\n  ')}
`;
    const root = await tree({ 'list.yaml': list });
    const file = join(root, 'list.yaml');
    const result = await readManifestFiles([file]);
    expect(result.roles.map((r) => r.source)).toEqual([`${file} items[0]`]);
    expect(result.bindings.map((b) => b.source)).toEqual([`${file} items[2]`]);
    expect(result.warnings).toEqual(['skipped 1 object(s) that are not RBAC objects (ConfigMap: 1)']);
  });

  it('reads a JSON List and a typed RoleBindingList whose items carry no kind, as `-o json` writes them', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cr' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }],
      metadata: { resourceVersion: '' },
    };
    const typed = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBindingList',
      metadata: { resourceVersion: '12345' },
      items: [
        { metadata: { name: 'b1', namespace: 'payments' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr' }, subjects: [{ kind: 'Group', name: 'devs' }] },
        { metadata: { name: 'b2', namespace: 'frontend' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr' }, subjects: null },
      ],
    };
    const root = await tree({ 'list.json': JSON.stringify(list, null, 2), 'typed.json': JSON.stringify(typed) });
    const result = await readManifestFiles([join(root, 'list.json'), join(root, 'typed.json')]);
    expect(result.roles.map((r) => [r.kind, r.name, r.source])).toEqual([['ClusterRole', 'cr', `${join(root, 'list.json')} items[0]`]]);
    expect(result.bindings.map((b) => [b.kind, b.namespace, b.name, b.source])).toEqual([
      ['RoleBinding', 'payments', 'b1', `${join(root, 'typed.json')} items[0]`],
      ['RoleBinding', 'frontend', 'b2', `${join(root, 'typed.json')} items[1]`],
    ]);
  });

  it('reads directories recursively, in sorted order, taking only .yaml, .yml and .json files', async () => {
    const root = await tree({
      'b.yaml': CLUSTER_ROLE('b'),
      'a.yml': CLUSTER_ROLE('a'),
      'nested/deeper/c.json': JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } }),
      'nested/D.YAML': CLUSTER_ROLE('d'),
      'README.md': '# not a manifest: {{ broken',
      'notes.txt': 'kind: [',
      'nested/kustomization.yaml.bak': 'kind: [',
      'nested/deeper/script.sh': '#!/bin/sh',
    });
    const result = await readManifestFiles([root]);
    expect(result.files).toEqual([join(root, 'a.yml'), join(root, 'b.yaml'), join(root, 'nested/D.YAML'), join(root, 'nested/deeper/c.json')]);
    expect(result.roles.map((r) => r.name)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('reads a file named explicitly whatever its extension (as YAML), and several paths in order', async () => {
    const root = await tree({ 'rbac.txt': ROLE, 'dir/x.yaml': BINDING });
    const result = await readManifestFiles([join(root, 'rbac.txt'), join(root, 'dir')]);
    expect(result.files).toEqual([join(root, 'rbac.txt'), join(root, 'dir/x.yaml')]);
    expect(result.roles).toHaveLength(1);
    expect(result.bindings).toHaveLength(1);
  });

  it('reads a file reached twice (its directory and itself) once', async () => {
    const root = await tree({ 'role.yaml': ROLE });
    const result = await readManifestFiles([root, join(root, 'role.yaml'), `${root}/./role.yaml`]);
    expect(result.files).toEqual([join(root, 'role.yaml')]);
    expect(result.roles).toHaveLength(1);
  });

  it('reads files with a UTF-8 byte-order mark and UTF-16LE files (Windows PowerShell redirection)', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const json = JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'from-json' } });
    const root = await tree({
      'bom.json': Buffer.concat([bom, Buffer.from(json)]),
      'bom.yaml': Buffer.concat([bom, Buffer.from(CLUSTER_ROLE('from-yaml'))]),
      'utf16.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CLUSTER_ROLE('from-utf16'), 'utf16le')]),
    });
    const result = await readManifestFiles([root]);
    expect(result.roles.map((r) => r.name)).toEqual(['from-json', 'from-yaml', 'from-utf16']);
  });
});

describe('readManifestFiles: bad input names the file and what is wrong', () => {
  it('a path that does not exist', async () => {
    const missing = join(dir, 'no-such-file.yaml');
    expect(await errorOf([missing])).toBe(`${missing}: cannot read (no such file or directory)`);
  });

  it('a missing path after a good one still fails (nothing is silently dropped)', async () => {
    const root = await tree({ 'role.yaml': ROLE });
    const missing = join(root, 'typo.yml');
    expect(await errorOf([join(root, 'role.yaml'), missing])).toBe(`${missing}: cannot read (no such file or directory)`);
  });

  it.skipIf(process.getuid?.() === 0)('a directory that cannot be read', async () => {
    const root = await tree({ 'locked/role.yaml': ROLE });
    const locked = join(root, 'locked');
    await chmod(locked, 0o000);
    try {
      expect(await errorOf([locked])).toBe(`${locked}: cannot read directory (EACCES)`);
    } finally {
      await chmod(locked, 0o755);
    }
  });

  it('a directory without manifests', async () => {
    const root = await tree({ 'README.md': 'nothing here' });
    expect(await errorOf([root])).toBe(`no .yaml, .yml or .json files found in ${root}`);
  });

  it('invalid YAML, with the document number and the position', async () => {
    const root = await tree({ 'bad.yaml': `${ROLE}---\nkind: Role\nrules: [\n` });
    const file = join(root, 'bad.yaml');
    const message = await errorOf([file]);
    expect(message).toMatch(new RegExp(`^${escape(file)}: document 2: invalid YAML: `));
    // Lines count from the top of the file, not of the document: what an editor shows.
    expect(message).toContain('at line 11, column 1');
  });

  it('duplicate keys are invalid YAML', async () => {
    const root = await tree({ 'dup.yaml': 'kind: Role\nkind: ClusterRole\n' });
    expect(await errorOf([join(root, 'dup.yaml')])).toMatch(/dup\.yaml: document 1: invalid YAML: Map keys must be unique/);
  });

  it('invalid JSON', async () => {
    const root = await tree({ 'bad.json': '{"kind": "List", "items": [' });
    const file = join(root, 'bad.json');
    expect(await errorOf([file])).toMatch(new RegExp(`^${escape(file)}: invalid JSON: `));
  });

  it('a YAML document that is not a mapping', async () => {
    const root = await tree({ 'scalar.yaml': `${ROLE}---\njust some text\n` });
    const file = join(root, 'scalar.yaml');
    expect(await errorOf([file])).toBe(`${file} document 2: expected a Kubernetes object (a mapping), got "just some text"`);
  });

  it('a JSON file holding an array instead of a List', async () => {
    const root = await tree({ 'array.json': '[{"kind": "Role"}]' });
    const file = join(root, 'array.json');
    expect(await errorOf([file])).toBe(`${file}: expected a Kubernetes object (a mapping), got [{"kind":"Role"}]`);
  });

  it('missing metadata.name', async () => {
    const root = await tree({ 'noname.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {labels: {a: b}}\nrules: []\n' });
    expect(await errorOf([join(root, 'noname.yaml')])).toContain(`${join(root, 'noname.yaml')}: ClusterRole has no metadata.name`);
  });

  it('rules that are not a list', async () => {
    const root = await tree({ 'rules.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr}\nrules: {verbs: [get]}\n' });
    const message = await errorOf([join(root, 'rules.yaml')]);
    expect(message).toContain(`${join(root, 'rules.yaml')}: ClusterRole "cr"`);
    expect(message).toContain('rules must be a list, got {"verbs":["get"]}');
  });

  it('verbs that are not strings, in a List item inside a multi-document file', async () => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: ok}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: broken}
  rules:
  - {apiGroups: [""], resources: [pods], verbs: [get]}
  - {apiGroups: [""], resources: [pods], verbs: [list]}
  - {apiGroups: [""], resources: [pods], verbs: [get, {watch: true}]}
`;
    const root = await tree({ 'rbac.yaml': `${ROLE}---\n${list}` });
    const file = join(root, 'rbac.yaml');
    expect(await errorOf([file])).toBe(`${file} document 2 items[1]: ClusterRole "broken" rules[2].verbs must be a list of strings, got ["get",{"watch":true}]`);
  });

  it('missing roleRef', async () => {
    const root = await tree({ 'b.json': JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, subjects: [] }) });
    const file = join(root, 'b.json');
    expect(await errorOf([file])).toBe(`${file}: ClusterRoleBinding "crb" roleRef is required (a mapping with apiGroup, kind and name)`);
  });

  it('an RBAC kind with a wrong apiVersion', async () => {
    const root = await tree({ 'v.yaml': 'apiVersion: v1\nkind: RoleBinding\nmetadata: {name: b, namespace: x}\n' });
    const file = join(root, 'v.yaml');
    expect(await errorOf([file])).toBe(`${file}: RoleBinding has apiVersion "v1"; RBAC objects are rbac.authorization.k8s.io/v1`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
