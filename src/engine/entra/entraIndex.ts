import type { EntraDirectory, EntraGroup, EntraPrincipal, EntraServicePrincipal } from '../../model/entra.ts';

/** A group a principal belongs to, with the chain that makes it so: direct group first, this group last. */
export interface GroupMembership {
  readonly groupId: string;
  readonly chain: readonly string[];
}

/** A principal that holds a group's access, with the chain from that group down to its direct group. */
export interface GroupMember {
  readonly principalId: string;
  readonly chain: readonly string[];
}

export interface EntraIndex {
  readonly principal: (id: string) => EntraPrincipal | undefined;
  /** By object id or, for users, UPN (case-insensitive). */
  readonly resolve: (idOrUpn: string) => EntraPrincipal | undefined;
  /** Every group the principal is in, directly or through nested groups (cycles tolerated), shortest chain. */
  readonly groupsOf: (principalId: string) => readonly GroupMembership[];
  /** Every non-group principal in the group, transitively, shortest chain. */
  readonly membersOf: (groupId: string) => readonly GroupMember[];
  readonly displayName: (id: string) => string | undefined;
  /** The service principal of an application or managed identity by its appId (a managed identity's client id), case-insensitive. */
  readonly byAppId: (appId: string) => EntraServicePrincipal | undefined;
}

const key = (id: string) => id.toLowerCase();

export function buildEntraIndex(directory: EntraDirectory): EntraIndex {
  const byId = new Map<string, EntraPrincipal>();
  const byUpn = new Map<string, EntraPrincipal>();
  for (const u of directory.users) {
    byId.set(key(u.id), u);
    byUpn.set(u.userPrincipalName.toLowerCase(), u);
  }
  for (const g of directory.groups) byId.set(key(g.id), g);
  const byApp = new Map<string, EntraServicePrincipal>();
  for (const sp of directory.servicePrincipals) {
    byId.set(key(sp.id), sp);
    if (sp.appId !== undefined && sp.appId !== '') byApp.set(key(sp.appId), sp);
  }

  const parents = new Map<string, string[]>();
  const groupById = new Map<string, EntraGroup>();
  for (const g of directory.groups) {
    groupById.set(key(g.id), g);
    for (const m of g.memberIds) {
      const list = parents.get(key(m)) ?? [];
      list.push(g.id);
      parents.set(key(m), list);
    }
  }

  const groupsCache = new Map<string, GroupMembership[]>();
  const groupsOf = (principalId: string): GroupMembership[] => {
    const cached = groupsCache.get(key(principalId));
    if (cached !== undefined) return cached;
    // Breadth-first, so each group is reached through its shortest chain; `seen` makes cycles harmless.
    const out: GroupMembership[] = [];
    const seen = new Set<string>();
    let frontier: GroupMembership[] = (parents.get(key(principalId)) ?? []).map((g) => ({ groupId: g, chain: [g] }));
    while (frontier.length > 0) {
      const next: GroupMembership[] = [];
      for (const m of frontier) {
        if (seen.has(key(m.groupId))) continue;
        seen.add(key(m.groupId));
        out.push(m);
        for (const parent of parents.get(key(m.groupId)) ?? []) next.push({ groupId: parent, chain: [...m.chain, parent] });
      }
      frontier = next;
    }
    groupsCache.set(key(principalId), out);
    return out;
  };

  const membersOf = (groupId: string): GroupMember[] => {
    const out: GroupMember[] = [];
    const seenGroups = new Set<string>([key(groupId)]);
    const seenMembers = new Set<string>();
    let frontier: { groupId: string; chain: string[] }[] = [{ groupId, chain: [groupId] }];
    while (frontier.length > 0) {
      const next: { groupId: string; chain: string[] }[] = [];
      for (const { groupId: gid, chain } of frontier) {
        for (const memberId of groupById.get(key(gid))?.memberIds ?? []) {
          if (groupById.has(key(memberId))) {
            if (seenGroups.has(key(memberId))) continue;
            seenGroups.add(key(memberId));
            next.push({ groupId: memberId, chain: [...chain, memberId] });
          } else if (!seenMembers.has(key(memberId))) {
            seenMembers.add(key(memberId));
            // Chain reads from the member's direct group up to the asked group, like groupsOf.
            out.push({ principalId: memberId, chain: [...chain].reverse() });
          }
        }
      }
      frontier = next;
    }
    return out;
  };

  return {
    principal: (id) => byId.get(key(id)),
    resolve: (idOrUpn) => byId.get(key(idOrUpn)) ?? byUpn.get(idOrUpn.toLowerCase()),
    groupsOf,
    membersOf,
    byAppId: (appId) => byApp.get(key(appId)),
    displayName: (id) => {
      const p = byId.get(key(id));
      return p === undefined ? undefined : (p.displayName ?? (p.kind === 'user' ? p.userPrincipalName : undefined));
    },
  };
}
