/** Microsoft Entra directory objects the access questions need: who is who, and who is in which group. */

export interface EntraUser {
  readonly kind: 'user';
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName?: string;
}

export interface EntraGroup {
  readonly kind: 'group';
  readonly id: string;
  readonly displayName?: string;
  /** Direct members' object ids (users, groups, service principals). */
  readonly memberIds: readonly string[];
}

export interface EntraServicePrincipal {
  readonly kind: 'servicePrincipal';
  readonly id: string;
  readonly appId?: string;
  readonly displayName?: string;
  /** `Application`, `ManagedIdentity`, … as Graph reports it. */
  readonly servicePrincipalType?: string;
}

export type EntraPrincipal = EntraUser | EntraGroup | EntraServicePrincipal;

export interface EntraDirectory {
  readonly users: readonly EntraUser[];
  readonly groups: readonly EntraGroup[];
  readonly servicePrincipals: readonly EntraServicePrincipal[];
}
