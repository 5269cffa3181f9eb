import type { K8sNamespace, K8sPod, K8sServiceAccount } from '../../model/k8sInventory.ts';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { isRbacKind } from '../../manifests/parseRbacObject.ts';

export interface ManifestDocument {
  readonly value: unknown;
  readonly source: string;
}

interface Located<T> {
  readonly object: T;
  readonly source: string;
}

export interface ManifestInventory {
  /** RBAC objects (one per document, lists flattened), for extractRbacObjects. */
  readonly rbac: ManifestDocument[];
  readonly inventory: {
    readonly namespaces: Located<K8sNamespace>[];
    readonly serviceAccounts: Located<K8sServiceAccount>[];
    readonly pods: Located<K8sPod>[];
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(obj: Json, field: string, where: string): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ManifestError(`${where}: ${field} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function strings(obj: Json, field: string, where: string): Record<string, string> {
  const value = obj[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) throw new ManifestError(`${where}: metadata.${field} must be a map of strings`);
  return value as Record<string, string>;
}

function metadata(value: Json, kind: string, where: string): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const meta = value.metadata ?? {};
  if (!isObject(meta)) throw new ManifestError(`${where}: ${kind} metadata must be a mapping`);
  const name = text(meta, 'name', `${where}: ${kind} metadata`);
  if (name === undefined || name === '') throw new ManifestError(`${where}: ${kind} has no metadata.name`);
  return { name, namespace: text(meta, 'namespace', `${where}: ${kind} "${name}" metadata`) ?? 'default', labels: strings(meta, 'labels', where), annotations: strings(meta, 'annotations', where) };
}

function images(spec: Json, where: string): string[] {
  const out: string[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new ManifestError(`${where}: spec.${field} must be a list`);
    list.forEach((container: unknown, i) => {
      if (!isObject(container) || typeof container.image !== 'string') throw new ManifestError(`${where}: spec.${field}[${i}].image must be a string`);
      out.push(container.image);
    });
  }
  return out;
}

/**
 * Splits manifests into RBAC objects (for the manifest parser) and the inventory kinds the simulated API
 * serves (Namespace, ServiceAccount, Pod). `List` and typed lists are flattened; other kinds are ignored.
 */
export function manifestInventory(documents: readonly ManifestDocument[]): ManifestInventory {
  const result: ManifestInventory = { rbac: [], inventory: { namespaces: [], serviceAccounts: [], pods: [] } };
  const visit = (value: unknown, source: string, impliedKind: string | undefined): void => {
    if (value === null || value === undefined) return;
    if (!isObject(value)) throw new ManifestError(`${source}: expected a Kubernetes object (a mapping), got ${JSON.stringify(value).slice(0, 80)}`);
    const kind = typeof value.kind === 'string' && value.kind !== '' ? value.kind : impliedKind;
    if (kind === undefined) throw new ManifestError(`${source}: object has no kind`);
    if (kind.endsWith('List') && Array.isArray(value.items)) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      value.items.forEach((item, i) => {
        visit(item, `${source} items[${i}]`, itemKind);
      });
      return;
    }
    if (isRbacKind(kind)) {
      result.rbac.push({ value: value.kind === undefined ? { ...value, kind } : value, source });
    } else if (kind === 'Namespace') {
      const meta = metadata(value, kind, source);
      result.inventory.namespaces.push({ object: { name: meta.name, labels: { 'kubernetes.io/metadata.name': meta.name, ...meta.labels } }, source });
    } else if (kind === 'ServiceAccount') {
      const meta = metadata(value, kind, source);
      result.inventory.serviceAccounts.push({ object: { namespace: meta.namespace, name: meta.name, annotations: meta.annotations }, source });
    } else if (kind === 'Pod') {
      const meta = metadata(value, kind, source);
      const spec = isObject(value.spec) ? value.spec : {};
      const serviceAccountName = text(spec, 'serviceAccountName', source) ?? text(spec, 'serviceAccount', source) ?? 'default';
      result.inventory.pods.push({ object: { namespace: meta.namespace, name: meta.name, serviceAccountName, images: images(spec, `${source}: Pod "${meta.name}"`), labels: meta.labels }, source });
    }
  };
  for (const doc of documents) visit(doc.value, doc.source, undefined);
  return result;
}
