import type { Binding, RbacObjects, Role } from '../model/k8sRbac.ts';
import { ManifestError } from './ManifestError.ts';
import { isRbacKind, parseRbacObject } from './parseRbacObject.ts';

export interface ExtractResult extends RbacObjects {
  readonly warnings: readonly string[];
  /** Objects of other kinds that were skipped, by kind. */
  readonly skipped: ReadonlyMap<string, number>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks parsed documents (single objects, `List`, and typed lists such as `ClusterRoleList` whose items
 * carry no kind, as the API returns them) and keeps the RBAC objects. Pure: the caller reads the files.
 */
export function extractRbacObjects(documents: readonly { value: unknown; source: string }[]): ExtractResult {
  const roles: Role[] = [];
  const bindings: Binding[] = [];
  const warnings: string[] = [];
  const skipped = new Map<string, number>();

  const visit = (value: unknown, source: string, impliedKind: string | undefined): void => {
    if (value === null || value === undefined) return; // empty YAML document
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
    if (!isRbacKind(kind)) {
      skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      return;
    }
    const apiVersion = value.apiVersion;
    if (typeof apiVersion === 'string' && !apiVersion.startsWith('rbac.authorization.k8s.io/')) {
      throw new ManifestError(`${source}: ${kind} has apiVersion "${apiVersion}"; RBAC objects are rbac.authorization.k8s.io/v1`);
    }
    const parsed = parseRbacObject(value, kind, source);
    warnings.push(...parsed.warnings);
    const object = parsed.object;
    if ('roleRef' in object) bindings.push(object);
    else roles.push(object);
  };

  for (const doc of documents) visit(doc.value, doc.source, undefined);
  if (skipped.size > 0) {
    const counts = [...skipped.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    const total = [...skipped.values()].reduce((a, b) => a + b, 0);
    warnings.push(`skipped ${total} object(s) that are not RBAC objects (${counts.join(', ')})`);
  }
  return { roles, bindings, warnings, skipped };
}
