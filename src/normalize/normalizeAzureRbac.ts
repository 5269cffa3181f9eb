import type { DenyAssignment, DenyPrincipal, Permission, PrincipalType, RoleAssignment, RoleDefinition, ScopeParent } from '../model/azureRbac.ts';
import { ManifestError } from '../manifests/ManifestError.ts';
import { isObject, list, obj, props, requiredStr, str, strList, bool, type Json } from './jsonFields.ts';

/*
 * Azure RBAC objects from ARM REST responses (`properties` wrapper) or `az` CLI output (flattened) into the
 * model. The collectors use the same functions, so there is one normalisation.
 */

function permission(value: unknown, where: string): Permission {
  if (!isObject(value)) throw new ManifestError(`${where} must be an object with actions, notActions, dataActions, notDataActions`);
  return {
    actions: strList(value, 'actions', where),
    notActions: strList(value, 'notActions', where),
    dataActions: strList(value, 'dataActions', where),
    notDataActions: strList(value, 'notDataActions', where),
  };
}

export function normalizeRoleDefinition(raw: Json, where: string): RoleDefinition {
  const p = props(raw);
  const id = requiredStr(raw, 'id', where);
  return {
    id,
    name: str(raw, 'name', where) || (id.split('/').pop() ?? id),
    roleName: requiredStr(p, 'roleName', where),
    // ARM puts the role type in properties.type; the az CLI in roleType (and "type" is the resource type).
    roleType: str(p, 'roleType', where) || (isObject(raw.properties) ? str(raw.properties, 'type', where) : ''),
    permissions: list(p, 'permissions', where).map((x, i) => permission(x, `${where} permissions[${i}]`)),
    assignableScopes: strList(p, 'assignableScopes', where),
  };
}

const PRINCIPAL_TYPES: readonly PrincipalType[] = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

function principalType(value: string): PrincipalType {
  return PRINCIPAL_TYPES.find((t) => t.toLowerCase() === value.toLowerCase()) ?? 'Unknown';
}

export function normalizeRoleAssignment(raw: Json, where: string, state: 'active' | 'eligible'): RoleAssignment {
  const p = props(raw);
  const condition = str(p, 'condition', where);
  const conditionVersion = str(p, 'conditionVersion', where);
  const start = str(p, 'startDateTime', where);
  const end = str(p, 'endDateTime', where);
  const expanded = obj(p, 'expandedProperties');
  const expandedPrincipal = expanded === undefined ? undefined : obj(expanded, 'principal');
  const principalName = str(p, 'principalName', where) || (expandedPrincipal === undefined ? '' : str(expandedPrincipal, 'email', where));
  return {
    id: requiredStr(raw, 'id', where),
    scope: requiredStr(p, 'scope', where),
    principalId: requiredStr(p, 'principalId', where),
    principalType: principalType(str(p, 'principalType', where)),
    roleDefinitionId: requiredStr(p, 'roleDefinitionId', where),
    state,
    ...(condition === '' ? {} : { condition }),
    ...(conditionVersion === '' ? {} : { conditionVersion }),
    ...(start === '' ? {} : { startDateTime: start }),
    ...(end === '' ? {} : { endDateTime: end }),
    ...(principalName === '' ? {} : { principalName }),
  };
}

function denyPrincipals(p: Json, name: string, where: string): DenyPrincipal[] {
  return list(p, name, where).map((x, i) => {
    if (!isObject(x)) throw new ManifestError(`${where} ${name}[${i}] must be an object with id and type`);
    return { id: requiredStr(x, 'id', `${where} ${name}[${i}]`), type: str(x, 'type', `${where} ${name}[${i}]`) };
  });
}

export function normalizeDenyAssignment(raw: Json, where: string): DenyAssignment {
  const p = props(raw);
  return {
    id: requiredStr(raw, 'id', where),
    name: str(p, 'denyAssignmentName', where) || str(raw, 'name', where),
    scope: requiredStr(p, 'scope', where),
    permissions: list(p, 'permissions', where).map((x, i) => permission(x, `${where} permissions[${i}]`)),
    principals: denyPrincipals(p, 'principals', where),
    excludePrincipals: denyPrincipals(p, 'excludePrincipals', where),
    doNotApplyToChildScopes: bool(p, 'doNotApplyToChildScopes', where) ?? false,
  };
}

const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/';

/**
 * Management group descendants / entities: each names its parent; nested `children` are walked too.
 * `GET managementGroups/X` (and `az account management-group show`) put the parent in `details.parent`
 * and, with `$expand=path`, the ancestors' names root-first in `details.path`. Fixed: only a top-level
 * `parent` was read, so a management group fetched with `get`/`show` lost its place in the tree and
 * assignments above it did not reach the subscriptions below.
 */
export function normalizeHierarchyEntity(raw: Json, where: string, out: ScopeParent[]): void {
  const p = props(raw);
  const id = requiredStr(raw, 'id', where);
  const details = obj(p, 'details');
  const parent = obj(p, 'parent') ?? (details === undefined ? undefined : obj(details, 'parent'));
  const parentId = parent === undefined ? '' : str(parent, 'id', where);
  const displayName = str(p, 'displayName', where);
  if (parentId !== '') out.push({ id, parentId, ...(displayName === '' ? {} : { displayName }) });
  const path = details === undefined ? [] : list(details, 'path', `${where} details`);
  const names = path.map((e, i) => (isObject(e) ? str(e, 'name', `${where} details.path[${i}]`) : ''));
  for (let i = 1; i < names.length; i++) {
    const child = names[i] ?? '';
    const above = names[i - 1] ?? '';
    if (child !== '' && above !== '') out.push({ id: `${MG_PREFIX}${child}`, parentId: `${MG_PREFIX}${above}` });
  }
  list(p, 'children', where).forEach((child, i) => {
    if (!isObject(child)) return;
    const childId = str(child, 'id', `${where} children[${i}]`);
    if (childId !== '') out.push({ id: childId, parentId: id });
    normalizeHierarchyEntity(child, `${where} children[${i}]`, out);
  });
}
