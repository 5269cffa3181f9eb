import type { ObjectKey, PolicyRule } from '../../model/k8sRbac.ts';
import type { AccessPath, EscalationPath } from '../../engine/access/accessPath.ts';
import type { GroupMembership } from '../../engine/entra/entraIndex.ts';

/** A JSON answer that does not have the shape this CLI prints from (an API of another version, a proxy's page). */
export class AnswerShapeError extends Error {
  override readonly name = 'AnswerShapeError';
}

type Json = Readonly<Record<string, unknown>>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AnswerShapeError(`${where}: expected an object`);
  return value as Json;
}

function text(o: Json, field: string, where: string): string {
  const value = o[field];
  if (typeof value !== 'string') throw new AnswerShapeError(`${where}.${field}: expected a string`);
  return value;
}

function optionalText(o: Json, field: string, where: string): string | undefined {
  return o[field] === undefined ? undefined : text(o, field, where);
}

function texts(o: Json, field: string, where: string, fallback?: readonly string[]): readonly string[] {
  const value = o[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new AnswerShapeError(`${where}.${field}: expected a list of strings`);
  return value;
}

function key(value: unknown, where: string): ObjectKey {
  const o = object(value, where);
  const namespace = optionalText(o, 'namespace', where);
  return { kind: text(o, 'kind', where), name: text(o, 'name', where), ...(namespace === undefined ? {} : { namespace }) };
}

function rule(value: unknown, where: string): PolicyRule {
  const o = object(value, where);
  return { verbs: texts(o, 'verbs', where), apiGroups: texts(o, 'apiGroups', where), resources: texts(o, 'resources', where), resourceNames: texts(o, 'resourceNames', where), nonResourceURLs: texts(o, 'nonResourceURLs', where) };
}

function viaGroup(o: Json, where: string): { viaGroup?: GroupMembership } {
  if (o.viaGroup === undefined) return {};
  const g = object(o.viaGroup, `${where}.viaGroup`);
  return { viaGroup: { groupId: text(g, 'groupId', `${where}.viaGroup`), chain: texts(g, 'chain', `${where}.viaGroup`) } };
}

function condition(o: Json, where: string): { condition?: string } {
  const c = optionalText(o, 'condition', where);
  return c === undefined ? {} : { condition: c };
}

/**
 * The inverse of accessPathJson: a `via[]` entry of an API answer back into the path the CLI's renderers
 * print, so an answer from a running instance prints exactly as one computed offline.
 */
export function accessPathFromJson(value: unknown, where = 'via'): AccessPath | EscalationPath {
  const o = object(value, where);
  const cluster = text(o, 'cluster', where);
  const kind = text(o, 'kind', where);
  switch (kind) {
    case 'rbac': {
      const binding = key(o.binding, `${where}.binding`);
      const ruleIndex = o.ruleIndex;
      if (typeof ruleIndex !== 'number') throw new AnswerShapeError(`${where}.ruleIndex: expected a number`);
      return {
        plane: 'kubernetes',
        kind: 'rbac',
        cluster,
        binding,
        role: key(o.role, `${where}.role`),
        ruleIndex,
        rule: rule(o.rule, `${where}.rule`),
        namespace: optionalText(o, 'namespace', where) ?? binding.namespace ?? '',
        aggregatedFrom: texts(o, 'aggregatedFrom', where, []),
        ...viaGroup(o, where),
      };
    }
    case 'systemMasters':
      return { plane: 'kubernetes', kind: 'systemMasters', cluster };
    case 'dataAction':
      return {
        plane: 'azure',
        kind: 'dataAction',
        cluster,
        assignmentId: text(o, 'assignmentId', where),
        roleName: text(o, 'roleName', where),
        roleDefinitionId: text(o, 'roleDefinitionId', where),
        scope: text(o, 'scope', where),
        dataAction: text(o, 'dataAction', where),
        matchedBy: text(o, 'matchedBy', where),
        ...condition(o, where),
        principalId: text(o, 'principalId', where),
        ...viaGroup(o, where),
      };
    case 'adminGroup':
      return { plane: 'azure', kind: 'adminGroup', cluster, groupId: text(o, 'groupId', where), ...viaGroup(o, where) };
    case 'adminCredential':
      return {
        plane: 'azure',
        kind: 'adminCredential',
        cluster,
        action: text(o, 'action', where),
        becomes: text(o, 'becomes', where),
        assignmentId: text(o, 'assignmentId', where),
        roleName: text(o, 'roleName', where),
        scope: text(o, 'scope', where),
        matchedBy: text(o, 'matchedBy', where),
        ...condition(o, where),
        principalId: text(o, 'principalId', where),
        ...viaGroup(o, where),
      };
    case 'discovery':
      return { plane: 'azure', kind: 'discovery', cluster };
    case 'escalation':
      return {
        plane: 'azure',
        kind: 'escalation',
        cluster,
        action: text(o, 'action', where),
        why: text(o, 'why', where),
        assignmentId: text(o, 'assignmentId', where),
        roleName: text(o, 'roleName', where),
        scope: text(o, 'scope', where),
        principalId: text(o, 'principalId', where),
        ...viaGroup(o, where),
      };
    default:
      throw new AnswerShapeError(`${where}.kind: unknown path kind "${kind}"`);
  }
}
