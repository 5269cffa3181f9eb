import { EVERYONE_PRINCIPAL_ID, type DenyPrincipal, type Permission, type RoleDefinition } from '../../model/azureRbac.ts';
import { managementGroupId, roleDefinitionIdAt, scopeCovers } from './armIds.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';
import { derivedId, type ScenarioContext } from './scenarioContext.ts';
import { guidOr } from './parseAzureResources.ts';
import { resolvePrincipal, resolveScope } from './references.ts';
import { didYouMean } from './suggest.ts';

const ACTION_FIELDS = ['actions', 'notActions', 'dataActions', 'notDataActions'] as const;

function permissionBlock(ctx: ScenarioContext, at: Cursor): Permission {
  const doc: ScenarioDocument = ctx.doc;
  const [actions, notActions, dataActions, notDataActions] = ACTION_FIELDS.map((f) =>
    doc.items(doc.field(at, f)).map((a) => {
      const action = doc.string(a);
      if (!/^[A-Za-z*][\w.*-]*(\/[\w.*-]+)*$/.test(action)) doc.fail(a, `'${action}' is not an Azure action (Provider.Namespace/resource/operation)`);
      return action;
    }),
  );
  return { actions: actions ?? [], notActions: notActions ?? [], dataActions: dataActions ?? [], notDataActions: notDataActions ?? [] };
}

/** Management groups above a scope, as lower-case ids: for assignable-scope checks through the hierarchy. */
function ancestorManagementGroups(ctx: ScenarioContext, scope: string): string[] {
  let mgName: string | undefined;
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (sub !== undefined) mgName = [...ctx.subscriptions.values()].find((s) => s.subscriptionId.toLowerCase() === sub.toLowerCase())?.managementGroup;
  else mgName = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i.exec(scope)?.[1];
  const out: string[] = [];
  while (mgName !== undefined) {
    out.push(managementGroupId(mgName).toLowerCase());
    mgName = ctx.managementGroups.get(mgName.toLowerCase())?.parent;
  }
  return out;
}

function assignableAt(ctx: ScenarioContext, role: RoleDefinition, scope: string): boolean {
  const ancestors = ancestorManagementGroups(ctx, scope);
  return role.assignableScopes.some((a) => scopeCovers(a, scope) || ancestors.includes(a.toLowerCase()));
}

export function parseCustomRoles(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'id', 'description', 'assignableScopes', 'permissions', ...ACTION_FIELDS]);
    const nameAt = doc.field(item, 'name');
    const roleName = doc.string(nameAt);
    if (ctx.roles.has(roleName.toLowerCase())) doc.fail(nameAt, `a role named '${roleName}' already exists`);
    const scopes = doc.items(doc.field(item, 'assignableScopes')).map((s) => resolveScope(ctx, s));
    if (scopes.length === 0) doc.fail(doc.field(item, 'assignableScopes'), 'a custom role needs at least one assignable scope');
    const blocksAt = doc.field(item, 'permissions');
    const inline = ACTION_FIELDS.some((f) => doc.isPresent(doc.field(item, f)));
    if (inline && doc.isPresent(blocksAt)) doc.fail(blocksAt, 'give either permissions: [blocks] or actions/dataActions/… directly, not both');
    const permissions = inline ? [permissionBlock(ctx, item)] : doc.items(blocksAt).map((b) => (doc.mapping(b, ACTION_FIELDS), permissionBlock(ctx, b)));
    if (permissions.length === 0) doc.fail(item, 'a custom role needs actions, dataActions or permissions');
    const guid = guidOr(doc, doc.field(item, 'id'), () => derivedId(ctx, 'role-definition', roleName));
    const first = scopes[0] ?? '/';
    ctx.roles.set(roleName.toLowerCase(), {
      id: roleDefinitionIdAt(first, guid),
      name: guid,
      roleName,
      roleType: 'CustomRole',
      permissions,
      assignableScopes: scopes,
    });
  }
}

function resolveRole(ctx: ScenarioContext, at: Cursor): RoleDefinition {
  const name = ctx.doc.string(at);
  const role = ctx.roles.get(name.toLowerCase()) ?? [...ctx.roles.values()].find((r) => r.name === name.toLowerCase());
  if (role === undefined) ctx.doc.fail(at, `unknown role '${name}'${didYouMean(name, [...ctx.roles.values()].map((r) => r.roleName))}`);
  return role;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function dateTime(ctx: ScenarioContext, at: Cursor): string | undefined {
  const value = ctx.doc.optionalString(at);
  if (value !== undefined && !ISO_TIME.test(value)) ctx.doc.fail(at, `expected an ISO 8601 time such as 2026-09-01T00:00:00Z, got '${value}'`);
  return value;
}

export function parseRoleAssignments(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  const seen = new Map<string, string>();
  doc.items(at).forEach((item, i) => {
    doc.mapping(item, ['principal', 'role', 'scope', 'condition', 'conditionVersion', 'eligible', 'startDateTime', 'endDateTime']);
    const principal = resolvePrincipal(ctx, doc.field(item, 'principal'), doc.string(doc.field(item, 'principal')));
    const role = resolveRole(ctx, doc.field(item, 'role'));
    const scopeAt = doc.field(item, 'scope');
    const scope = resolveScope(ctx, scopeAt);
    if (!assignableAt(ctx, role, scope)) doc.fail(scopeAt, `role '${role.roleName}' cannot be assigned at ${scope} (its assignableScopes: ${role.assignableScopes.join(', ')})`);
    const eligible = doc.boolean(doc.field(item, 'eligible'), false);
    const condition = doc.optionalString(doc.field(item, 'condition'));
    const versionAt = doc.field(item, 'conditionVersion');
    const conditionVersion = doc.optionalString(versionAt);
    if (conditionVersion !== undefined && condition === undefined) doc.fail(versionAt, 'conditionVersion without a condition');
    const start = dateTime(ctx, doc.field(item, 'startDateTime'));
    const end = dateTime(ctx, doc.field(item, 'endDateTime'));
    if (!eligible && (start !== undefined || end !== undefined)) doc.fail(item, 'startDateTime/endDateTime apply to PIM-eligible assignments (eligible: true)');
    const state = eligible ? 'eligible' : 'active';
    const key = `${principal.id}|${role.name}|${scope.toLowerCase()}|${state}`;
    const previous = seen.get(key);
    if (previous !== undefined) doc.fail(item, `the same ${state} assignment (principal, role, scope) as ${previous}; ARM rejects duplicates`);
    seen.set(key, `roleAssignments[${i}]`);
    const guid = derivedId(ctx, `role-assignment-${state}`, key);
    const kind = eligible ? 'roleEligibilityScheduleInstances' : 'roleAssignments';
    ctx.roleAssignments.push({
      id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/${kind}/${guid}`,
      scope,
      principalId: principal.id,
      principalType: principal.principalType,
      roleDefinitionId: roleDefinitionIdAt(scope, role.name),
      state,
      ...(condition === undefined ? {} : { condition, conditionVersion: conditionVersion ?? '2.0' }),
      ...(start === undefined ? {} : { startDateTime: start }),
      ...(end === undefined ? {} : { endDateTime: end }),
    });
  });
}

function denyPrincipals(ctx: ScenarioContext, at: Cursor): DenyPrincipal[] {
  return ctx.doc.items(at).map((p) => {
    const text = ctx.doc.string(p);
    if (text === 'Everyone') return { id: EVERYONE_PRINCIPAL_ID, type: 'SystemDefined' };
    const principal = resolvePrincipal(ctx, p, text);
    return { id: principal.id, type: principal.principalType };
  });
}

export function parseDenyAssignments(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'description', 'scope', 'principals', 'excludePrincipals', 'doNotApplyToChildScopes', ...ACTION_FIELDS]);
    const name = doc.string(doc.field(item, 'name'));
    const scope = resolveScope(ctx, doc.field(item, 'scope'));
    const principals = denyPrincipals(ctx, doc.field(item, 'principals'));
    if (principals.length === 0) doc.fail(doc.field(item, 'principals'), 'a deny assignment needs at least one principal (or Everyone)');
    const excludePrincipals = denyPrincipals(ctx, doc.field(item, 'excludePrincipals'));
    const permission = permissionBlock(ctx, item);
    if (permission.actions.length + permission.dataActions.length === 0) doc.fail(item, 'a deny assignment needs actions or dataActions');
    ctx.denyAssignments.push({
      id: `${scope}/providers/Microsoft.Authorization/denyAssignments/${derivedId(ctx, 'deny-assignment', `${scope}|${name}`)}`,
      name,
      scope,
      permissions: [permission],
      principals,
      excludePrincipals,
      doNotApplyToChildScopes: doc.boolean(doc.field(item, 'doNotApplyToChildScopes'), false),
    });
  }
}
