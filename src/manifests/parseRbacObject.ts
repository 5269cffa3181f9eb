import type { Binding, LabelSelector, LabelSelectorRequirement, PolicyRule, Role, RoleRef, Subject } from '../model/k8sRbac.ts';
import { ManifestError } from './ManifestError.ts';

export const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;
export type RbacKind = (typeof RBAC_KINDS)[number];

export function isRbacKind(kind: unknown): kind is RbacKind {
  return typeof kind === 'string' && (RBAC_KINDS as readonly string[]).includes(kind);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `obj.field` as a list of strings; null/absent is an empty list (Go's nil slice). */
function stringList(obj: Json, field: string, where: string): string[] {
  const value = obj[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ManifestError(`${where}.${field} must be a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalString(obj: Json, field: string, where: string): string {
  const value = obj[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ManifestError(`${where}.${field} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function requiredString(obj: Json, field: string, where: string): string {
  const value = optionalString(obj, field, where);
  if (value === '') throw new ManifestError(`${where}.${field} is required`);
  return value;
}

function stringMap(obj: Json, field: string, where: string): Record<string, string> {
  const value = obj[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ManifestError(`${where}.${field} must be a map of strings`);
  }
  return value as Record<string, string>;
}

function list(obj: Json, field: string, where: string): unknown[] {
  const value = obj[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ManifestError(`${where}.${field} must be a list, got ${JSON.stringify(value)}`);
  return value;
}

function parseRule(value: unknown, where: string): PolicyRule {
  if (!isObject(value)) throw new ManifestError(`${where} must be a mapping, got ${JSON.stringify(value)}`);
  return {
    verbs: stringList(value, 'verbs', where),
    apiGroups: stringList(value, 'apiGroups', where),
    resources: stringList(value, 'resources', where),
    resourceNames: stringList(value, 'resourceNames', where),
    nonResourceURLs: stringList(value, 'nonResourceURLs', where),
  };
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

function parseSelector(value: unknown, where: string): LabelSelector {
  if (!isObject(value)) throw new ManifestError(`${where} must be a label selector mapping`);
  const matchExpressions = list(value, 'matchExpressions', where).map((expr, i): LabelSelectorRequirement => {
    const at = `${where}.matchExpressions[${i}]`;
    if (!isObject(expr)) throw new ManifestError(`${at} must be a mapping`);
    const operator = requiredString(expr, 'operator', at);
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      throw new ManifestError(`${at}.operator must be one of ${OPERATORS.join(', ')}, got "${operator}"`);
    }
    return { key: requiredString(expr, 'key', at), operator: operator as LabelSelectorRequirement['operator'], values: stringList(expr, 'values', at) };
  });
  return { matchLabels: stringMap(value, 'matchLabels', where), matchExpressions };
}

function parseSubject(value: unknown, where: string): Subject {
  if (!isObject(value)) throw new ManifestError(`${where} must be a mapping`);
  return {
    kind: requiredString(value, 'kind', where),
    name: requiredString(value, 'name', where),
    namespace: optionalString(value, 'namespace', where),
    apiGroup: optionalString(value, 'apiGroup', where),
  };
}

function parseRoleRef(value: unknown, where: string): RoleRef {
  if (!isObject(value)) throw new ManifestError(`${where} is required (a mapping with apiGroup, kind and name)`);
  return { apiGroup: optionalString(value, 'apiGroup', where), kind: requiredString(value, 'kind', where), name: requiredString(value, 'name', where) };
}

export interface ParsedObject {
  readonly object: Role | Binding;
  /** Non-fatal remarks about the object (a namespaced object without a namespace). */
  readonly warnings: readonly string[];
}

/**
 * Validates and normalises one RBAC object from a manifest or an API response. Structural problems
 * (wrong types, missing names, missing roleRef) throw with the object named; semantic oddities the API
 * would have rejected (a rule with both resources and nonResourceURLs) are kept and evaluated the way the
 * authorizer would evaluate them.
 */
export function parseRbacObject(value: Json, kind: RbacKind, source: string): ParsedObject {
  const metadata = value.metadata ?? {};
  if (!isObject(metadata)) throw new ManifestError(`${source}: ${kind} metadata must be a mapping`);
  const isBinding = kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
  const warnings: string[] = [];
  let name = optionalString(metadata, 'name', `${source}: ${kind} metadata`);
  if (name === '') {
    // A role without a name can never be referenced: that is broken input. A binding is never referenced by
    // name, and the authorizer evaluates it all the same, so we keep it under a made-up name and say so.
    if (!isBinding) throw new ManifestError(`${source}: ${kind} has no metadata.name (add one; bindings refer to roles by name)`);
    name = `(unnamed ${kind} at ${source})`;
    warnings.push(`${source}: ${kind} has no metadata.name; evaluated as "${name}"`);
  }
  const where = `${source}: ${kind} "${name}"`;
  const clusterScoped = kind === 'ClusterRole' || kind === 'ClusterRoleBinding';
  let namespace = clusterScoped ? '' : optionalString(metadata, 'namespace', `${where} metadata`);
  if (!clusterScoped && namespace === '') {
    // kubectl apply would place it in the context's namespace; offline we assume "default" and say so.
    namespace = 'default';
    warnings.push(`${where} has no metadata.namespace; assuming "default"`);
  }
  const labels = stringMap(metadata, 'labels', `${where} metadata`);

  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = list(value, 'rules', where).map((rule, i) => parseRule(rule, `${where} rules[${i}]`));
    const aggregation = value.aggregationRule;
    const role: Role = { kind, name, namespace, labels, rules, source };
    if (kind === 'ClusterRole' && isObject(aggregation)) {
      const selectors = list(aggregation, 'clusterRoleSelectors', `${where} aggregationRule`).map((s, i) =>
        parseSelector(s, `${where} aggregationRule.clusterRoleSelectors[${i}]`),
      );
      return { object: { ...role, aggregationRule: { clusterRoleSelectors: selectors } }, warnings };
    }
    return { object: role, warnings };
  }
  const subjects = list(value, 'subjects', where).map((s, i) => parseSubject(s, `${where} subjects[${i}]`));
  const roleRef = parseRoleRef(value.roleRef, `${where} roleRef`);
  return { object: { kind, name, namespace, roleRef, subjects, source }, warnings };
}
