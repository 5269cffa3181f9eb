import { readFileSync } from 'node:fs';
import type { Permission, RoleDefinition } from '../../model/azureRbac.ts';

/*
 * The real built-in Azure role definitions the access questions touch (AKS, ACR, networking, DNS,
 * identity and the privileged roles), copied from the Azure RBAC built-in roles reference
 * (MicrosoftDocs/azure-docs, articles/role-based-access-control/built-in-roles/*.md, CC-BY-4.0; see
 * data/README.md). Every simulated tenant carries them, exactly as ARM lists them.
 */

interface PublishedRole {
  readonly id: string;
  readonly name: string;
  readonly roleName: string;
  readonly roleType: string;
  readonly permissions: readonly Permission[];
  readonly assignableScopes: readonly string[];
}

let cached: readonly RoleDefinition[] | undefined;

export function azureBuiltinRoles(): readonly RoleDefinition[] {
  if (cached === undefined) {
    const text = readFileSync(new URL('./data/azure-builtin-roles.json', import.meta.url), 'utf8');
    const published = JSON.parse(text) as readonly PublishedRole[];
    cached = published.map(
      (role): RoleDefinition => ({
        id: role.id,
        name: role.name,
        roleName: role.roleName,
        roleType: role.roleType,
        permissions: role.permissions.map((p) => ({ actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions })),
        assignableScopes: role.assignableScopes,
      }),
    );
  }
  return cached;
}

/** A built-in role by its exact name; throws for a name that is not in the bundled set (a bug in the caller). */
export function builtinRole(roleName: string): RoleDefinition {
  const role = azureBuiltinRoles().find((r) => r.roleName === roleName);
  if (role === undefined) throw new Error(`no built-in role named "${roleName}" in data/azure-builtin-roles.json`);
  return role;
}
