import type { EntraGroup, EntraPrincipal, EntraServicePrincipal, EntraUser } from '../model/entra.ts';
import { field, isObject, list, requiredStr, str, type Json } from './jsonFields.ts';

/** Which directory object a Graph / `az ad` item is: by `@odata.type` when present, else by its fields. */
export function entraKind(raw: Json, where = 'object'): EntraPrincipal['kind'] | undefined {
  const odata = str(raw, '@odata.type', where).toLowerCase();
  if (odata === '#microsoft.graph.user') return 'user';
  if (odata === '#microsoft.graph.group') return 'group';
  if (odata === '#microsoft.graph.serviceprincipal') return 'servicePrincipal';
  if (odata !== '') return undefined;
  if (field(raw, 'userPrincipalName') !== undefined) return 'user';
  if (field(raw, 'servicePrincipalType') !== undefined || field(raw, 'appId') !== undefined) return 'servicePrincipal';
  if (field(raw, 'securityEnabled') !== undefined || field(raw, 'groupTypes') !== undefined || Array.isArray(field(raw, 'members'))) return 'group';
  return undefined;
}

function displayName(raw: Json, where: string): { displayName?: string } {
  const name = str(raw, 'displayName', where);
  return name === '' ? {} : { displayName: name };
}

/**
 * A user, group (with `members` when listed with `$expand=members`) or service principal. Members embedded in
 * a group are returned too, so a group listing alone tells who its members are.
 */
export function normalizeEntraObject(raw: Json, where: string, kind: EntraPrincipal['kind']): EntraPrincipal[] {
  const id = requiredStr(raw, 'id', where);
  if (kind === 'user') {
    const user: EntraUser = { kind: 'user', id, userPrincipalName: str(raw, 'userPrincipalName', where), ...displayName(raw, where) };
    return [user];
  }
  if (kind === 'servicePrincipal') {
    const appId = str(raw, 'appId', where);
    const type = str(raw, 'servicePrincipalType', where);
    const sp: EntraServicePrincipal = {
      kind: 'servicePrincipal',
      id,
      ...(appId === '' ? {} : { appId }),
      ...(type === '' ? {} : { servicePrincipalType: type }),
      ...displayName(raw, where),
    };
    return [sp];
  }
  const embedded: EntraPrincipal[] = [];
  const memberIds: string[] = [];
  list(raw, 'members', where).forEach((m, i) => {
    if (!isObject(m)) return;
    const memberWhere = `${where} members[${i}]`;
    memberIds.push(requiredStr(m, 'id', memberWhere));
    const memberKind = entraKind(m, memberWhere);
    // A nested group listed as a member carries no members of its own here; its own entry (if any) has them.
    if (memberKind === 'user' || memberKind === 'servicePrincipal') embedded.push(...normalizeEntraObject(m, memberWhere, memberKind));
  });
  const group: EntraGroup = { kind: 'group', id, memberIds, ...displayName(raw, where) };
  return [group, ...embedded];
}
