import type { EntraGroup, EntraPrincipal } from '../../model/entra.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';
import { derivedId, type PrincipalEntry, type ScenarioContext } from './scenarioContext.ts';
import { guidOr } from './parseAzureResources.ts';
import { resolvePrincipal } from './references.ts';

/** Adds a principal to the one namespace references use; names are unique across users, groups and service principals. */
export function registerPrincipal(ctx: ScenarioContext, at: Cursor, entry: PrincipalEntry, entra: EntraPrincipal): void {
  const key = entry.name.toLowerCase();
  const existing = ctx.principals.get(key);
  if (existing !== undefined) ctx.doc.fail(at, `the name '${entry.name}' is already taken by ${existing.declaredAt}; principal names must be unique`);
  if ([...ctx.principals.values()].some((p) => p.id === entry.id)) ctx.doc.fail(at, `object id ${entry.id} is used twice`);
  ctx.principals.set(key, entry);
  if (entra.kind === 'user') ctx.users.push(entra);
  else if (entra.kind === 'group') ctx.groups.push(entra);
  else ctx.servicePrincipals.push(entra);
}

const UPN = /^[^@\s/:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** `alice.smith@contoso.com` → `Alice Smith`. */
function displayNameFromUpn(upn: string): string {
  return (upn.split('@')[0] ?? upn)
    .split(/[._-]/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

export function parseUsers(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  doc.items(at).forEach((item, i) => {
    let upnAt = item;
    let displayName: string | undefined;
    let idAt: Cursor = { value: undefined, path: [...item.path, 'id'] };
    if (!doc.isString(item)) {
      doc.mapping(item, ['upn', 'displayName', 'id'], 'a user principal name or {upn, displayName, id}');
      upnAt = doc.field(item, 'upn');
      displayName = doc.optionalString(doc.field(item, 'displayName'));
      idAt = doc.field(item, 'id');
    }
    const upn = doc.string(upnAt);
    if (!UPN.test(upn)) doc.fail(upnAt, `'${upn}' is not a user principal name (name@domain)`);
    const id = guidOr(doc, idAt, () => derivedId(ctx, 'user', upn));
    registerPrincipal(
      ctx,
      upnAt,
      { kind: 'user', name: upn, id, principalType: 'User', kubernetesName: upn, declaredAt: `users[${i}]` },
      { kind: 'user', id, userPrincipalName: upn, displayName: displayName ?? displayNameFromUpn(upn) },
    );
  });
}

const PRINCIPAL_NAME = /^[^\s/:@][^/:@]*$/;

function principalName(ctx: ScenarioContext, at: Cursor): string {
  const name = ctx.doc.string(at);
  if (!PRINCIPAL_NAME.test(name)) ctx.doc.fail(at, `'${name}' cannot be used as a name in references (no '/', ':', '@' or leading space)`);
  return name;
}

export function parseServicePrincipals(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  doc.items(at).forEach((item, i) => {
    let nameAt = item;
    let idAt: Cursor = { value: undefined, path: [...item.path, 'id'] };
    let appIdAt: Cursor = { value: undefined, path: [...item.path, 'appId'] };
    if (!doc.isString(item)) {
      doc.mapping(item, ['name', 'id', 'appId'], 'a name or {name, id, appId}');
      nameAt = doc.field(item, 'name');
      idAt = doc.field(item, 'id');
      appIdAt = doc.field(item, 'appId');
    }
    const name = principalName(ctx, nameAt);
    const id = guidOr(doc, idAt, () => derivedId(ctx, 'service-principal', name));
    const appId = guidOr(doc, appIdAt, () => derivedId(ctx, 'application', name));
    registerPrincipal(
      ctx,
      nameAt,
      { kind: 'servicePrincipal', name, id, principalType: 'ServicePrincipal', kubernetesName: id, clientId: appId, declaredAt: `servicePrincipals[${i}]` },
      { kind: 'servicePrincipal', id, appId, displayName: name, servicePrincipalType: 'Application' },
    );
  });
}

/** Declares the groups; their members are resolved by `resolveGroupMembers` once every principal is known. */
export interface PendingGroup {
  readonly group: EntraGroup;
  /** The group's memberIds array, filled by resolveGroupMembers. */
  readonly memberIds: string[];
  readonly membersAt: Cursor;
}

export function parseGroups(ctx: ScenarioContext, at: Cursor): PendingGroup[] {
  const doc: ScenarioDocument = ctx.doc;
  return doc.items(at).map((item, i) => {
    doc.mapping(item, ['name', 'id', 'members']);
    const nameAt = doc.field(item, 'name');
    const name = principalName(ctx, nameAt);
    const id = guidOr(doc, doc.field(item, 'id'), () => derivedId(ctx, 'group', name));
    const memberIds: string[] = [];
    const group: EntraGroup = { kind: 'group', id, displayName: name, memberIds };
    registerPrincipal(ctx, nameAt, { kind: 'group', name, id, principalType: 'Group', kubernetesName: id, declaredAt: `groups[${i}]` }, group);
    return { group, memberIds, membersAt: doc.field(item, 'members') };
  });
}

/** Fills in direct members (users, groups, service principals, managed identities); nesting is by listing a group. */
export function resolveGroupMembers(ctx: ScenarioContext, pending: readonly PendingGroup[]): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const { group, memberIds, membersAt } of pending) {
    for (const memberAt of doc.items(membersAt)) {
      const member = resolvePrincipal(ctx, memberAt, doc.string(memberAt));
      if (member.id === group.id) doc.fail(memberAt, `group '${group.displayName ?? group.id}' cannot be a member of itself`);
      if (memberIds.includes(member.id)) doc.fail(memberAt, `'${member.name}' is listed twice`);
      memberIds.push(member.id);
    }
  }
}
