import { isAbsolute, join } from 'node:path';
import type { K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import type { Binding, RbacObjects, Role, Subject } from '../../model/k8sRbac.ts';
import { extractRbacObjects } from '../../manifests/extractRbacObjects.ts';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { parseRbacObject } from '../../manifests/parseRbacObject.ts';
import { expandPaths, parseFile } from '../../manifests/readManifestFiles.ts';
import { baselineInventory, baselineRbac, namespace as makeNamespace } from './clusterBaseline.ts';
import { renderPath, type Cursor, type ScenarioDocument } from './scenarioDocument.ts';
import type { ClusterEntry, ScenarioContext } from './scenarioContext.ts';
import { resolvePrincipal } from './references.ts';
import { ScenarioError } from './ScenarioError.ts';
import { manifestInventory, type ManifestDocument } from './manifestInventory.ts';

export const WORKLOAD_IDENTITY_CLIENT_ID = 'azure.workload.identity/client-id';
const WORKLOAD_IDENTITY_USE = 'azure.workload.identity/use';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS subdomain: the names of service accounts, pods and most objects. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const RULE_FIELDS = ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'] as const;

/** Everything in one cluster's API, with where each object came from (for "defined twice" errors). */
interface ClusterContent {
  readonly namespaces: Map<string, K8sNamespace>;
  readonly serviceAccounts: Map<string, K8sServiceAccount>;
  readonly pods: Map<string, K8sPod>;
  readonly roles: Role[];
  readonly bindings: Binding[];
  /** kind/namespace/name → where it was defined. */
  readonly origins: Map<string, string>;
}

function claim(ctx: ScenarioContext, content: ClusterContent, at: Cursor | undefined, key: string, origin: string, builtIn: ReadonlySet<string>): void {
  const first = content.origins.get(key);
  if (first !== undefined) {
    const hint = builtIn.has(key) ? ' (a built-in object; set kubernetes.builtIn: false to replace the built-in objects)' : '';
    const message = `${key} is defined twice: ${first} and ${origin}${hint}`;
    if (at !== undefined) ctx.doc.fail(at, message);
    throw new ScenarioError(ctx.doc.source, '', message);
  }
  content.origins.set(key, origin);
}

function kubernetesName(ctx: ScenarioContext, at: Cursor, what: string): string {
  const name = ctx.doc.string(at);
  if (!OBJECT_NAME.test(name) || name.length > 253) ctx.doc.fail(at, `'${name}' is not a valid ${what} name (lower-case letters, digits, '-' and '.')`);
  return name;
}

function namespaceRef(ctx: ScenarioContext, content: ClusterContent, at: Cursor): string {
  const ns = ctx.doc.string(at);
  if (!content.namespaces.has(ns)) ctx.doc.fail(at, `unknown namespace '${ns}' in this cluster; declare it under kubernetes.namespaces`);
  return ns;
}

/** A binding subject: an Entra principal by name, `sa:NS/NAME`, or a literal `user:NAME` / `group:NAME`. */
function subject(ctx: ScenarioContext, at: Cursor, bindingNamespace: string): Subject {
  const text = ctx.doc.string(at);
  if (text.startsWith('sa:')) {
    const parts = text.slice(3).split('/');
    if (parts.length === 1 && bindingNamespace !== '' && OBJECT_NAME.test(parts[0] ?? '')) return { kind: 'ServiceAccount', name: parts[0] ?? '', namespace: bindingNamespace, apiGroup: '' };
    if (parts.length !== 2 || !DNS_LABEL.test(parts[0] ?? '') || !OBJECT_NAME.test(parts[1] ?? '')) ctx.doc.fail(at, `expected sa:NAMESPACE/NAME${bindingNamespace === '' ? '' : ' or sa:NAME'}, got '${text}'`);
    return { kind: 'ServiceAccount', name: parts[1] ?? '', namespace: parts[0] ?? '', apiGroup: '' };
  }
  if (text.startsWith('user:')) return { kind: 'User', name: text.slice(5), namespace: '', apiGroup: RBAC_GROUP };
  if (text.startsWith('group:')) return { kind: 'Group', name: text.slice(6), namespace: '', apiGroup: RBAC_GROUP };
  const principal = resolvePrincipal(ctx, at, text);
  // Entra users reach Kubernetes by UPN, groups and service principals by object id (DESIGN.md, identity join).
  return { kind: principal.kind === 'group' ? 'Group' : 'User', name: principal.kubernetesName, namespace: '', apiGroup: RBAC_GROUP };
}

function rbacFromScenario(ctx: ScenarioContext, at: Cursor, value: Record<string, unknown>, kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding'): Role | Binding {
  const source = `${ctx.doc.source} ${renderPath(at.path)}`;
  try {
    return parseRbacObject(value, kind, source).object;
  } catch (error) {
    if (error instanceof ManifestError) ctx.doc.fail(at, error.message.slice(source.length + 2));
    throw error;
  }
}

function parseRoles(ctx: ScenarioContext, content: ClusterContent, at: Cursor, builtIn: ReadonlySet<string>): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'namespace', 'labels', 'rules', 'aggregationRule']);
    const name = doc.string(doc.field(item, 'name'));
    const nsAt = doc.field(item, 'namespace');
    const namespace = doc.isPresent(nsAt) ? namespaceRef(ctx, content, nsAt) : '';
    for (const rule of doc.items(doc.field(item, 'rules'))) doc.mapping(rule, RULE_FIELDS);
    const kind = namespace === '' ? 'ClusterRole' : 'Role';
    const value = { metadata: { name, namespace, labels: doc.stringMap(doc.field(item, 'labels')) }, rules: doc.field(item, 'rules').value, aggregationRule: doc.field(item, 'aggregationRule').value };
    if (kind === 'Role' && doc.isPresent(doc.field(item, 'aggregationRule'))) doc.fail(doc.field(item, 'aggregationRule'), 'only ClusterRoles (no namespace) aggregate');
    const role = rbacFromScenario(ctx, item, value, kind) as Role;
    claim(ctx, content, item, `${kind} ${namespace === '' ? '' : `${namespace}/`}${name}`, renderPath(item.path), builtIn);
    content.roles.push(role);
  }
}

function parseBindings(ctx: ScenarioContext, content: ClusterContent, at: Cursor, builtIn: ReadonlySet<string>): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'namespace', 'role', 'subjects']);
    const name = doc.string(doc.field(item, 'name'));
    const nsAt = doc.field(item, 'namespace');
    const namespace = doc.isPresent(nsAt) ? namespaceRef(ctx, content, nsAt) : '';
    const roleAt = doc.field(item, 'role');
    const roleText = doc.string(roleAt);
    const match = /^(Role|ClusterRole)\/(.+)$/.exec(roleText);
    if (match === null) doc.fail(roleAt, `expected ClusterRole/NAME or Role/NAME, got '${roleText}'`);
    const [, roleKind = '', roleName = ''] = match;
    if (roleKind === 'Role' && namespace === '') doc.fail(roleAt, 'a ClusterRoleBinding (no namespace) can only refer to a ClusterRole');
    const subjects = doc.items(doc.field(item, 'subjects')).map((s) => subject(ctx, s, namespace));
    const kind = namespace === '' ? 'ClusterRoleBinding' : 'RoleBinding';
    const binding = rbacFromScenario(ctx, item, { metadata: { name, namespace }, roleRef: { apiGroup: RBAC_GROUP, kind: roleKind, name: roleName }, subjects }, kind) as Binding;
    claim(ctx, content, item, `${kind} ${namespace === '' ? '' : `${namespace}/`}${name}`, renderPath(item.path), builtIn);
    content.bindings.push(binding);
  }
}

async function manifestDocuments(ctx: ScenarioContext, at: Cursor, baseDir: string): Promise<{ documents: ManifestDocument[]; at: Cursor }[]> {
  const doc: ScenarioDocument = ctx.doc;
  const out: { documents: ManifestDocument[]; at: Cursor }[] = [];
  for (const item of doc.items(at)) {
    if (doc.isString(item)) {
      const rel = doc.string(item);
      const path = isAbsolute(rel) ? rel : join(baseDir, rel);
      try {
        const documents: ManifestDocument[] = [];
        for (const file of await expandPaths([path])) documents.push(...(await parseFile(file)));
        out.push({ documents, at: item });
      } catch (error) {
        if (error instanceof ManifestError) doc.fail(item, error.message);
        throw error;
      }
    } else {
      doc.mapping(item, ['apiVersion', 'kind', 'metadata', 'rules', 'aggregationRule', 'roleRef', 'subjects', 'spec', 'items'], 'a file path or a Kubernetes object');
      out.push({ documents: [{ value: item.value, source: `${doc.source} ${renderPath(item.path)}` }], at: item });
    }
  }
  return out;
}

/** Adds the objects of the manifests (RBAC through the manifest parser; Namespace, ServiceAccount, Pod into the inventory). */
function addManifests(ctx: ScenarioContext, content: ClusterContent, manifests: readonly { documents: ManifestDocument[]; at: Cursor }[], builtIn: ReadonlySet<string>): void {
  for (const { documents, at } of manifests) {
    try {
      const { rbac, inventory } = manifestInventory(documents);
      for (const ns of inventory.namespaces) {
        claim(ctx, content, at, `Namespace ${ns.object.name}`, ns.source, builtIn);
        content.namespaces.set(ns.object.name, ns.object);
      }
      const { roles, bindings } = extractRbacObjects(rbac);
      for (const object of [...roles, ...bindings]) {
        if (object.namespace !== '' && !content.namespaces.has(object.namespace)) ctx.doc.fail(at, `${object.source}: ${object.kind} "${object.name}" is in namespace '${object.namespace}', which this cluster does not have`);
        claim(ctx, content, at, `${object.kind} ${object.namespace === '' ? '' : `${object.namespace}/`}${object.name}`, object.source, builtIn);
      }
      content.roles.push(...roles);
      content.bindings.push(...bindings);
      for (const sa of inventory.serviceAccounts) {
        if (!content.namespaces.has(sa.object.namespace)) ctx.doc.fail(at, `${sa.source}: ServiceAccount "${sa.object.name}" is in namespace '${sa.object.namespace}', which this cluster does not have`);
        claim(ctx, content, at, `ServiceAccount ${sa.object.namespace}/${sa.object.name}`, sa.source, builtIn);
        content.serviceAccounts.set(`${sa.object.namespace}/${sa.object.name}`, sa.object);
      }
      for (const pod of inventory.pods) {
        if (!content.namespaces.has(pod.object.namespace)) ctx.doc.fail(at, `${pod.source}: Pod "${pod.object.name}" is in namespace '${pod.object.namespace}', which this cluster does not have`);
        claim(ctx, content, at, `Pod ${pod.object.namespace}/${pod.object.name}`, pod.source, builtIn);
        content.pods.set(`${pod.object.namespace}/${pod.object.name}`, pod.object);
      }
    } catch (error) {
      if (error instanceof ManifestError) ctx.doc.fail(at, error.message);
      throw error;
    }
  }
}

const KUBERNETES_FIELDS = ['builtIn', 'namespaces', 'serviceAccounts', 'pods', 'roles', 'bindings', 'manifests'] as const;

/** One cluster's Kubernetes API content: built-in objects, declared namespaces, service accounts, pods, RBAC and manifests. */
export async function parseClusterKubernetes(ctx: ScenarioContext, cluster: ClusterEntry, baseDir: string): Promise<RbacObjects & { namespaces: K8sNamespace[]; serviceAccounts: K8sServiceAccount[]; pods: K8sPod[] }> {
  const doc: ScenarioDocument = ctx.doc;
  const at = doc.field(cluster.at, 'kubernetes');
  if (doc.isPresent(at)) doc.mapping(at, KUBERNETES_FIELDS);
  const content: ClusterContent = { namespaces: new Map(), serviceAccounts: new Map(), pods: new Map(), roles: [], bindings: [], origins: new Map() };
  const builtInKeys = new Set<string>();
  if (doc.boolean(doc.field(at, 'builtIn'), true)) {
    const rbac = baselineRbac(cluster.spec.entra?.adminGroupObjectIds ?? []);
    const inventory = baselineInventory({ clusterName: cluster.name, kubernetesVersion: cluster.spec.kubernetesVersion, nodeCount: cluster.spec.nodeCount, workloadIdentity: cluster.spec.workloadIdentity });
    content.roles.push(...rbac.roles);
    content.bindings.push(...rbac.bindings);
    for (const ns of inventory.namespaces) content.namespaces.set(ns.name, ns);
    for (const sa of inventory.serviceAccounts) content.serviceAccounts.set(`${sa.namespace}/${sa.name}`, sa);
    for (const pod of inventory.pods) content.pods.set(`${pod.namespace}/${pod.name}`, pod);
    const entries: [string, string][] = [
      ...rbac.roles.map((r): [string, string] => [`${r.kind} ${r.namespace === '' ? '' : `${r.namespace}/`}${r.name}`, r.source]),
      ...rbac.bindings.map((b): [string, string] => [`${b.kind} ${b.namespace === '' ? '' : `${b.namespace}/`}${b.name}`, b.source]),
      ...inventory.namespaces.map((n): [string, string] => [`Namespace ${n.name}`, 'the built-in namespaces']),
      ...inventory.serviceAccounts.map((s): [string, string] => [`ServiceAccount ${s.namespace}/${s.name}`, 'the built-in service accounts']),
    ];
    for (const [key, origin] of entries) {
      content.origins.set(key, origin);
      builtInKeys.add(key);
    }
  }

  for (const nsAt of doc.items(doc.field(at, 'namespaces'))) {
    let nameAt = nsAt;
    let labels: Record<string, string> = {};
    if (!doc.isString(nsAt)) {
      doc.mapping(nsAt, ['name', 'labels'], 'a namespace name or {name, labels}');
      nameAt = doc.field(nsAt, 'name');
      labels = doc.stringMap(doc.field(nsAt, 'labels'));
    }
    const name = doc.string(nameAt);
    if (!DNS_LABEL.test(name) || name.length > 63) doc.fail(nameAt, `'${name}' is not a valid namespace name (lower-case letters, digits and '-', at most 63)`);
    claim(ctx, content, nameAt, `Namespace ${name}`, renderPath(nsAt.path), builtInKeys);
    content.namespaces.set(name, makeNamespace(name, labels));
    // Kubernetes creates a `default` service account in every namespace.
    if (!content.serviceAccounts.has(`${name}/default`)) {
      content.serviceAccounts.set(`${name}/default`, { namespace: name, name: 'default', annotations: {} });
      content.origins.set(`ServiceAccount ${name}/default`, `the default service account of namespace ${name}`);
    }
  }

  // Manifests before the structured objects: they may create namespaces those refer to.
  addManifests(ctx, content, await manifestDocuments(ctx, doc.field(at, 'manifests'), baseDir), builtInKeys);

  for (const saAt of doc.items(doc.field(at, 'serviceAccounts'))) {
    doc.mapping(saAt, ['namespace', 'name', 'workloadIdentity', 'annotations']);
    const namespace = namespaceRef(ctx, content, doc.field(saAt, 'namespace'));
    const name = kubernetesName(ctx, doc.field(saAt, 'name'), 'service account');
    const annotations = doc.stringMap(doc.field(saAt, 'annotations'));
    const wiAt = doc.field(saAt, 'workloadIdentity');
    if (doc.isPresent(wiAt)) {
      if (!cluster.spec.workloadIdentity) doc.fail(wiAt, `cluster '${cluster.name}' has workloadIdentity: false`);
      const identity = resolvePrincipal(ctx, wiAt, doc.string(wiAt), ['servicePrincipal']);
      if (identity.clientId === undefined) doc.fail(wiAt, `'${identity.name}' has no client id`);
      annotations[WORKLOAD_IDENTITY_CLIENT_ID] = identity.clientId;
    }
    const key = `${namespace}/${name}`;
    // A declared `default` account (to annotate it) replaces the implicit one.
    if (name === 'default' && content.origins.get(`ServiceAccount ${key}`)?.startsWith('the default service account') === true) content.origins.delete(`ServiceAccount ${key}`);
    claim(ctx, content, saAt, `ServiceAccount ${key}`, renderPath(saAt.path), builtInKeys);
    content.serviceAccounts.set(key, { namespace, name, annotations });
  }

  parseRoles(ctx, content, doc.field(at, 'roles'), builtInKeys);
  parseBindings(ctx, content, doc.field(at, 'bindings'), builtInKeys);

  for (const podAt of doc.items(doc.field(at, 'pods'))) {
    doc.mapping(podAt, ['namespace', 'name', 'serviceAccount', 'images', 'labels']);
    const namespace = namespaceRef(ctx, content, doc.field(podAt, 'namespace'));
    const name = kubernetesName(ctx, doc.field(podAt, 'name'), 'pod');
    const saAt = doc.field(podAt, 'serviceAccount');
    const serviceAccountName = doc.optionalString(saAt) ?? 'default';
    const account = content.serviceAccounts.get(`${namespace}/${serviceAccountName}`);
    if (account === undefined) doc.fail(saAt, `service account '${serviceAccountName}' does not exist in namespace '${namespace}' (the API server would reject the pod)`);
    const imagesAt = doc.field(podAt, 'images');
    const images = doc.stringList(imagesAt);
    if (images.length === 0) doc.fail(imagesAt, 'a pod needs at least one image');
    const labels = doc.stringMap(doc.field(podAt, 'labels'));
    // Workload identity injects the token only into pods that carry this label.
    if (account.annotations[WORKLOAD_IDENTITY_CLIENT_ID] !== undefined && labels[WORKLOAD_IDENTITY_USE] === undefined) labels[WORKLOAD_IDENTITY_USE] = 'true';
    claim(ctx, content, podAt, `Pod ${namespace}/${name}`, renderPath(podAt.path), builtInKeys);
    content.pods.set(`${namespace}/${name}`, { namespace, name, serviceAccountName, images, labels });
  }

  return {
    roles: content.roles,
    bindings: content.bindings,
    namespaces: [...content.namespaces.values()],
    serviceAccounts: [...content.serviceAccounts.values()],
    pods: [...content.pods.values()],
  };
}
