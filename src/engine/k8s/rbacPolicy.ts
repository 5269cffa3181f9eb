import type { Binding, ObjectKey, RbacObjects, Role } from '../../model/k8sRbac.ts';
import { aggregateClusterRoles, type EffectiveRule } from './aggregateClusterRoles.ts';

/** A binding with its role reference resolved the way `GetRoleReferenceRules` does. */
export interface ResolvedBinding {
  readonly binding: Binding;
  readonly bindingKey: ObjectKey;
  /** The role the reference resolved to; undefined when the reference dangles. */
  readonly roleKey: ObjectKey;
  readonly rules: readonly EffectiveRule[];
  /** Why the binding grants nothing (dangling or invalid roleRef); mirrors upstream resolution errors. */
  readonly error?: string;
}

/** One cluster's RBAC, resolved once: aggregation applied, role references followed, problems listed. */
export interface RbacPolicy {
  readonly bindings: readonly ResolvedBinding[];
  readonly clusterRoleBindings: readonly ResolvedBinding[];
  readonly roleBindingsByNamespace: ReadonlyMap<string, readonly ResolvedBinding[]>;
  readonly warnings: readonly string[];
}

export function objectKey(obj: { kind: string; name: string; namespace: string }): ObjectKey {
  return obj.namespace === '' ? { kind: obj.kind, name: obj.name } : { kind: obj.kind, name: obj.name, namespace: obj.namespace };
}

export function describeKey(key: ObjectKey): string {
  return key.namespace === undefined ? `${key.kind} ${key.name}` : `${key.kind} ${key.namespace}/${key.name}`;
}

function identity(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

/** Keeps the last of several objects with the same kind, namespace and name (as a later `kubectl apply` would). */
function dedupe<T extends { kind: string; namespace: string; name: string; source: string }>(items: readonly T[], warnings: string[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const id = identity(item.kind, item.namespace, item.name);
    const previous = seen.get(id);
    if (previous !== undefined) {
      warnings.push(`${describeKey(objectKey(item))} appears twice (${previous.source} and ${item.source}); the later one is used`);
      seen.delete(id);
    }
    seen.set(id, item);
  }
  return [...seen.values()];
}

export function buildRbacPolicy(objects: RbacObjects): RbacPolicy {
  const warnings: string[] = [];
  const roles = dedupe(objects.roles, warnings);
  const bindings = dedupe(objects.bindings, warnings);

  const aggregation = aggregateClusterRoles(roles.filter((r) => r.kind === 'ClusterRole'));
  warnings.push(...aggregation.warnings);
  const namespacedRoles = new Map<string, Role>();
  for (const role of roles) if (role.kind === 'Role') namespacedRoles.set(identity('Role', role.namespace, role.name), role);

  const resolved: ResolvedBinding[] = [];
  for (const binding of bindings) {
    const bindingKey = objectKey(binding);
    const ref = binding.roleRef;
    let roleKey: ObjectKey;
    let rules: readonly EffectiveRule[] = [];
    let error: string | undefined;
    if (ref.kind === 'ClusterRole') {
      roleKey = { kind: 'ClusterRole', name: ref.name };
      const found = aggregation.rulesByClusterRole.get(ref.name);
      if (found === undefined) error = `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`;
      else rules = found;
    } else if (ref.kind === 'Role') {
      // A Role reference always means a Role in the binding's own namespace.
      roleKey = { kind: 'Role', name: ref.name, namespace: binding.namespace };
      const found = namespacedRoles.get(identity('Role', binding.namespace, ref.name));
      if (binding.kind === 'ClusterRoleBinding') error = `a ClusterRoleBinding cannot reference a Role ("${ref.name}")`;
      else if (found === undefined) error = `role.rbac.authorization.k8s.io "${ref.name}" not found in namespace ${binding.namespace}`;
      else rules = found.rules.map((rule) => ({ rule, aggregatedFrom: [] }));
    } else {
      roleKey = { kind: ref.kind, name: ref.name };
      error = `unsupported roleRef kind "${ref.kind}" (must be Role or ClusterRole)`;
    }
    // Resolution errors stay on the binding: answers report them only where the binding was consulted.

    binding.subjects.forEach((subject, i) => {
      const where = `${describeKey(bindingKey)} (${binding.source}) subject ${i}`;
      if (!['User', 'Group', 'ServiceAccount'].includes(subject.kind)) {
        warnings.push(`${where}: unknown subject kind "${subject.kind}" never matches anyone`);
      } else if (subject.kind === 'ServiceAccount' && subject.namespace === '' && binding.kind === 'ClusterRoleBinding') {
        warnings.push(`${where}: ServiceAccount "${subject.name}" without a namespace never matches anyone in a ClusterRoleBinding`);
      }
    });
    resolved.push(error === undefined ? { binding, bindingKey, roleKey, rules } : { binding, bindingKey, roleKey, rules, error });
  }

  const clusterRoleBindings = resolved.filter((b) => b.binding.kind === 'ClusterRoleBinding');
  const roleBindingsByNamespace = new Map<string, ResolvedBinding[]>();
  for (const b of resolved) {
    if (b.binding.kind !== 'RoleBinding') continue;
    const list = roleBindingsByNamespace.get(b.binding.namespace) ?? [];
    list.push(b);
    roleBindingsByNamespace.set(b.binding.namespace, list);
  }
  return { bindings: resolved, clusterRoleBindings, roleBindingsByNamespace, warnings };
}
