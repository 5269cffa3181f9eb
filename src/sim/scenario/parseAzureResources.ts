import { NETWORK_SECURITY_GROUPS, resourceId, ROUTE_TABLES, REGISTRIES, USER_ASSIGNED_IDENTITIES, VIRTUAL_NETWORKS } from './armIds.ts';
import type { Cursor, ScenarioDocument } from './scenarioDocument.ts';
import { derivedId, type ResourceGroupEntry, type ScenarioContext, type SubscriptionEntry } from './scenarioContext.ts';
import { resolveResourceGroup, resolveResourceReference } from './references.ts';
import { registerPrincipal } from './parseDirectory.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An explicit `id:` (a GUID) or the one derived from the name. */
export function guidOr(doc: ScenarioDocument, at: Cursor, derived: () => string): string {
  const explicit = doc.optionalString(at);
  if (explicit === undefined) return derived();
  if (!GUID.test(explicit)) doc.fail(at, `expected a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got '${explicit}'`);
  return explicit.toLowerCase();
}

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.()]*$/;

export function resourceName(doc: ScenarioDocument, at: Cursor): string {
  const name = doc.string(at);
  if (!NAME.test(name)) doc.fail(at, `'${name}' is not a valid Azure resource name (letters, digits, - _ . ( ))`);
  return name;
}

/** `managementGroups`: a tree under the tenant root group (whose name is the tenant id). */
export function parseManagementGroups(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  const root = { name: ctx.tenantId, displayName: 'Tenant Root Group' };
  ctx.managementGroups.set(root.name.toLowerCase(), root);
  const visit = (list: Cursor, parent: string): void => {
    for (const item of doc.items(list)) {
      doc.mapping(item, ['name', 'displayName', 'children']);
      const nameAt = doc.field(item, 'name');
      const name = resourceName(doc, nameAt);
      if (name.toLowerCase() === 'root') doc.fail(nameAt, `'root' is reserved for the tenant root group`);
      if (ctx.managementGroups.has(name.toLowerCase())) doc.fail(nameAt, `management group '${name}' is declared twice`);
      ctx.managementGroups.set(name.toLowerCase(), { name, displayName: doc.optionalString(doc.field(item, 'displayName')) ?? name, parent });
      visit(doc.field(item, 'children'), name);
    }
  };
  visit(at, root.name);
}

export function addResourceGroup(sub: SubscriptionEntry, name: string, location: string): ResourceGroupEntry {
  const existing = sub.resourceGroups.get(name.toLowerCase());
  if (existing !== undefined) return existing;
  const rg = { subscriptionId: sub.subscriptionId, subscriptionName: sub.name, name, location };
  sub.resourceGroups.set(name.toLowerCase(), rg);
  return rg;
}

export function parseSubscriptions(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'displayName', 'id', 'managementGroup', 'resourceGroups']);
    const nameAt = doc.field(item, 'name');
    const name = doc.string(nameAt);
    if (name.includes('/') || name.includes(':')) doc.fail(nameAt, `a subscription name used in references cannot contain '/' or ':'`);
    if (ctx.subscriptions.has(name.toLowerCase())) doc.fail(nameAt, `subscription '${name}' is declared twice`);
    const mgAt = doc.field(item, 'managementGroup');
    const mgName = doc.optionalString(mgAt) ?? ctx.tenantId;
    const mg = mgName === 'root' ? ctx.managementGroups.get(ctx.tenantId.toLowerCase()) : ctx.managementGroups.get(mgName.toLowerCase());
    if (mg === undefined) doc.fail(mgAt, `unknown management group '${mgName}'`);
    const sub: SubscriptionEntry = {
      name,
      subscriptionId: guidOr(doc, doc.field(item, 'id'), () => derivedId(ctx, 'subscription', name)),
      displayName: doc.optionalString(doc.field(item, 'displayName')) ?? name,
      managementGroup: mg.name,
      resourceGroups: new Map(),
    };
    if ([...ctx.subscriptions.values()].some((s) => s.subscriptionId === sub.subscriptionId)) doc.fail(doc.field(item, 'id'), `subscription id ${sub.subscriptionId} is used twice`);
    ctx.subscriptions.set(name.toLowerCase(), sub);
    for (const rgAt of doc.items(doc.field(item, 'resourceGroups'))) {
      let rgName: string;
      let location = ctx.defaultLocation;
      if (doc.isString(rgAt)) {
        rgName = resourceName(doc, rgAt);
      } else {
        doc.mapping(rgAt, ['name', 'location'], 'a resource group name or {name, location}');
        rgName = resourceName(doc, doc.field(rgAt, 'name'));
        location = doc.optionalString(doc.field(rgAt, 'location')) ?? location;
      }
      if (sub.resourceGroups.has(rgName.toLowerCase())) doc.fail(rgAt, `resource group '${rgName}' is declared twice in subscription '${name}'`);
      addResourceGroup(sub, rgName, location);
    }
  }
}

export function parseManagedIdentities(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  doc.items(at).forEach((item, i) => {
    doc.mapping(item, ['name', 'resourceGroup', 'location', 'principalId', 'clientId']);
    const name = resourceName(doc, doc.field(item, 'name'));
    const rg = resolveResourceGroup(ctx, doc.field(item, 'resourceGroup'), doc.string(doc.field(item, 'resourceGroup')));
    addManagedIdentity(ctx, {
      name,
      resourceGroup: rg,
      location: doc.optionalString(doc.field(item, 'location')) ?? rg.location,
      principalId: guidOr(doc, doc.field(item, 'principalId'), () => derivedId(ctx, 'mi-principal', `${rg.subscriptionId}/${rg.name}/${name}`)),
      clientId: guidOr(doc, doc.field(item, 'clientId'), () => derivedId(ctx, 'mi-client', `${rg.subscriptionId}/${rg.name}/${name}`)),
      declaredAt: `managedIdentities[${i}]`,
      at: doc.field(item, 'name'),
    });
  });
}

export function addManagedIdentity(
  ctx: ScenarioContext,
  mi: { name: string; resourceGroup: ResourceGroupEntry; location: string; principalId: string; clientId: string; declaredAt: string; at: Cursor; idSpelling?: 'resourcegroups' },
): void {
  let id = resourceId(mi.resourceGroup.subscriptionId, mi.resourceGroup.name, USER_ASSIGNED_IDENTITIES, mi.name);
  if (mi.idSpelling === 'resourcegroups') id = id.replace('/resourceGroups/', '/resourcegroups/');
  registerPrincipal(
    ctx,
    mi.at,
    { kind: 'servicePrincipal', name: mi.name, id: mi.principalId, principalType: 'ServicePrincipal', kubernetesName: mi.principalId, clientId: mi.clientId, declaredAt: mi.declaredAt },
    { kind: 'servicePrincipal', id: mi.principalId, appId: mi.clientId, displayName: mi.name, servicePrincipalType: 'ManagedIdentity' },
  );
  ctx.managedIdentities.set(mi.name.toLowerCase(), {
    id,
    name: mi.name,
    location: mi.location,
    principalId: mi.principalId,
    clientId: mi.clientId,
    tenantId: ctx.tenantId,
    resourceGroup: mi.resourceGroup,
  });
}

export function parseVirtualNetworks(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'resourceGroup', 'subnets']);
    const name = resourceName(doc, doc.field(item, 'name'));
    const rg = resolveResourceGroup(ctx, doc.field(item, 'resourceGroup'), doc.string(doc.field(item, 'resourceGroup')));
    const vnet = { id: resourceId(rg.subscriptionId, rg.name, VIRTUAL_NETWORKS, name), name, resourceGroup: rg };
    if (ctx.vnets.has(vnet.id.toLowerCase())) doc.fail(item, `virtual network '${name}' is declared twice in ${rg.subscriptionName}/${rg.name}`);
    ctx.vnets.set(vnet.id.toLowerCase(), vnet);
    for (const subnetAt of doc.items(doc.field(item, 'subnets'))) {
      doc.mapping(subnetAt, ['name', 'addressPrefix', 'routeTable', 'networkSecurityGroup']);
      const subnetName = resourceName(doc, doc.field(subnetAt, 'name'));
      const prefixAt = doc.field(subnetAt, 'addressPrefix');
      const addressPrefix = doc.string(prefixAt);
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(addressPrefix)) doc.fail(prefixAt, `expected an IPv4 CIDR such as 10.1.0.0/22, got '${addressPrefix}'`);
      const rtAt = doc.field(subnetAt, 'routeTable');
      const nsgAt = doc.field(subnetAt, 'networkSecurityGroup');
      const rt = doc.optionalString(rtAt);
      const nsg = doc.optionalString(nsgAt);
      const id = `${vnet.id}/subnets/${subnetName}`;
      if (ctx.subnets.has(id.toLowerCase())) doc.fail(subnetAt, `subnet '${subnetName}' is declared twice in ${name}`);
      ctx.subnets.set(id.toLowerCase(), {
        id,
        name: subnetName,
        vnet,
        addressPrefix,
        ...(rt === undefined ? {} : { routeTableId: resolveResourceReference(ctx, rtAt, rt, ROUTE_TABLES, rg) }),
        ...(nsg === undefined ? {} : { networkSecurityGroupId: resolveResourceReference(ctx, nsgAt, nsg, NETWORK_SECURITY_GROUPS, rg) }),
      });
    }
  }
}

export function parseRegistries(ctx: ScenarioContext, at: Cursor): void {
  const doc: ScenarioDocument = ctx.doc;
  for (const item of doc.items(at)) {
    doc.mapping(item, ['name', 'resourceGroup', 'location']);
    const nameAt = doc.field(item, 'name');
    const name = doc.string(nameAt);
    if (!/^[a-zA-Z0-9]{5,50}$/.test(name)) doc.fail(nameAt, `a container registry name is 5-50 letters and digits, got '${name}'`);
    if ([...ctx.registries.values()].some((r) => r.name.toLowerCase() === name.toLowerCase())) doc.fail(nameAt, `registry '${name}' is declared twice (registry names are global)`);
    const rg = resolveResourceGroup(ctx, doc.field(item, 'resourceGroup'), doc.string(doc.field(item, 'resourceGroup')));
    const id = resourceId(rg.subscriptionId, rg.name, REGISTRIES, name);
    ctx.registries.set(id.toLowerCase(), { id, name, loginServer: `${name.toLowerCase()}.azurecr.io`, location: doc.optionalString(doc.field(item, 'location')) ?? rg.location, resourceGroup: rg });
  }
}
