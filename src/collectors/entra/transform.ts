import type { EntraDirectory, EntraGroup, EntraServicePrincipal, EntraUser } from '../../model/entra.ts';
import type { Json } from '../../normalize/jsonFields.ts';
import { normalizeEntraObject } from '../../normalize/normalizeEntraObject.ts';
import type { EntraPages } from './fetch.ts';

/*
 * Pure: Graph directory objects → the Entra model, through src/normalize (the one normalisation). A group's
 * member list is handed to the normaliser as `members`, the shape `$expand=members` has. Malformed objects
 * throw ManifestError naming the object.
 */

function label(kind: string, item: Json, index: number, nameField: string): string {
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
  const raw = item[nameField];
  const name = typeof raw === 'string' ? raw : undefined;
  if (id !== undefined) return `${kind} ${id}${name === undefined ? '' : ` (${name})`}`;
  return `${kind} ${name === undefined ? `#${index}` : `"${name}"`} (no id)`;
}

export function transformEntra(pages: EntraPages): EntraDirectory {
  const users = pages.users.map((u, i) => normalizeEntraObject(u, label('user', u, i, 'userPrincipalName'), 'user')[0] as EntraUser);
  const groups = pages.groups.map((g, i) => {
    const members = typeof g.id === 'string' ? (pages.membersByGroupId.get(g.id) ?? []) : [];
    return normalizeEntraObject({ ...g, members: [...members] }, label('group', g, i, 'displayName'), 'group')[0] as EntraGroup;
  });
  const servicePrincipals = pages.servicePrincipals.map(
    (s, i) => normalizeEntraObject(s, label('service principal', s, i, 'displayName'), 'servicePrincipal')[0] as EntraServicePrincipal,
  );
  return { users, groups, servicePrincipals };
}
