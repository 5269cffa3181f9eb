import { managementGroupId, PRIVATE_DNS_ZONES, resourceGroupId, resourceId, subscriptionScope } from './armIds.ts';
import type { Cursor } from './scenarioDocument.ts';
import type { ClusterEntry, PrincipalEntry, PrincipalKind, ResourceGroupEntry, ScenarioContext, SubnetEntry, SubscriptionEntry } from './scenarioContext.ts';
import { didYouMean } from './suggest.ts';

/*
 * Readable references in scenario files, resolved to ids: subscriptions and resource groups by name
 * (`prod`, `prod/rg-aks`), principals by UPN or display name, and scopes (`mg:contoso`, `sub:prod`,
 * `rg:prod/rg-aks`, `cluster:aks-prod/namespaces/payments`, … or a raw ARM id).
 */

export function resolveSubscription(ctx: ScenarioContext, at: Cursor, text: string): SubscriptionEntry {
  const key = text.toLowerCase();
  const found = ctx.subscriptions.get(key) ?? [...ctx.subscriptions.values()].find((s) => s.subscriptionId.toLowerCase() === key || s.displayName.toLowerCase() === key);
  if (found === undefined) ctx.doc.fail(at, `unknown subscription '${text}'${didYouMean(text, [...ctx.subscriptions.values()].map((s) => s.name))}`);
  return found;
}

/** `SUB/RG`. */
export function resolveResourceGroup(ctx: ScenarioContext, at: Cursor, text: string): ResourceGroupEntry {
  const parts = text.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '')) ctx.doc.fail(at, `expected SUBSCRIPTION/RESOURCE-GROUP (e.g. prod/rg-aks), got '${text}'`);
  const [subName = '', rgName = ''] = parts;
  const sub = resolveSubscription(ctx, at, subName);
  const rg = sub.resourceGroups.get(rgName.toLowerCase());
  if (rg === undefined) ctx.doc.fail(at, `unknown resource group '${rgName}' in subscription '${sub.name}'${didYouMean(rgName, [...sub.resourceGroups.values()].map((r) => r.name))}`);
  return rg;
}

const KIND_WORDS: Readonly<Record<PrincipalKind, string>> = { user: 'a user', group: 'a group', servicePrincipal: 'a service principal' };

/** A principal by UPN (users) or display name (groups, service principals, managed identities). */
export function resolvePrincipal(ctx: ScenarioContext, at: Cursor, text: string, kinds?: readonly PrincipalKind[]): PrincipalEntry {
  const found = ctx.principals.get(text.toLowerCase());
  const wanted = kinds === undefined || kinds.length === 3 ? 'principal' : kinds.map((k) => KIND_WORDS[k].replace(/^an? /, '')).join(' or ');
  if (found === undefined) {
    const candidates = [...ctx.principals.values()].filter((p) => kinds === undefined || kinds.includes(p.kind)).map((p) => p.name);
    ctx.doc.fail(at, `unknown ${wanted} '${text}'${didYouMean(text, candidates)}`);
  }
  if (kinds !== undefined && !kinds.includes(found.kind)) ctx.doc.fail(at, `'${text}' is ${KIND_WORDS[found.kind]} (${found.declaredAt}); expected ${wanted}`);
  return found;
}

function findCluster(ctx: ScenarioContext, at: Cursor, text: string): ClusterEntry {
  const parts = text.split('/');
  let matches: ClusterEntry[];
  if (parts.length === 1) {
    matches = ctx.clusters.filter((c) => c.name.toLowerCase() === text.toLowerCase());
    if (matches.length > 1) ctx.doc.fail(at, `cluster name '${text}' is ambiguous; write cluster:SUBSCRIPTION/RESOURCE-GROUP/${text}`);
  } else if (parts.length === 3) {
    const rg = resolveResourceGroup(ctx, at, `${parts[0] ?? ''}/${parts[1] ?? ''}`);
    matches = ctx.clusters.filter((c) => c.resourceGroup === rg && c.name.toLowerCase() === (parts[2] ?? '').toLowerCase());
  } else {
    ctx.doc.fail(at, `expected cluster:NAME or cluster:SUBSCRIPTION/RESOURCE-GROUP/NAME, optionally followed by /namespaces/NAMESPACE; got 'cluster:${text}'`);
  }
  const cluster = matches[0];
  if (cluster === undefined) ctx.doc.fail(at, `unknown cluster '${text}'${didYouMean(parts.at(-1) ?? text, ctx.clusters.map((c) => c.name))}`);
  return cluster;
}

/** `VNET/SUBNET` (unique names) or `SUB/RG/VNET/SUBNET`. */
export function findSubnet(ctx: ScenarioContext, at: Cursor, text: string): SubnetEntry {
  const parts = text.split('/');
  let candidates: SubnetEntry[];
  if (parts.length === 2) {
    candidates = [...ctx.subnets.values()].filter((s) => s.vnet.name.toLowerCase() === (parts[0] ?? '').toLowerCase() && s.name.toLowerCase() === (parts[1] ?? '').toLowerCase());
    if (candidates.length > 1) ctx.doc.fail(at, `subnet '${text}' is ambiguous; write SUBSCRIPTION/RESOURCE-GROUP/${text}`);
  } else if (parts.length === 4) {
    const rg = resolveResourceGroup(ctx, at, `${parts[0] ?? ''}/${parts[1] ?? ''}`);
    candidates = [...ctx.subnets.values()].filter((s) => s.vnet.resourceGroup === rg && s.vnet.name.toLowerCase() === (parts[2] ?? '').toLowerCase() && s.name.toLowerCase() === (parts[3] ?? '').toLowerCase());
  } else if (text.startsWith('/')) {
    candidates = [...ctx.subnets.values()].filter((s) => s.id.toLowerCase() === text.toLowerCase());
  } else {
    ctx.doc.fail(at, `expected VNET/SUBNET, SUBSCRIPTION/RESOURCE-GROUP/VNET/SUBNET or a subnet id, got '${text}'`);
  }
  const subnet = candidates[0];
  if (subnet === undefined) ctx.doc.fail(at, `unknown subnet '${text}'${didYouMean(text, [...ctx.subnets.values()].map((s) => `${s.vnet.name}/${s.name}`))}`);
  return subnet;
}

/**
 * A resource that the scenario does not declare (route table, NSG, private DNS zone): NAME (in
 * `home`), SUBSCRIPTION/RESOURCE-GROUP/NAME, or a raw ARM id.
 */
export function resolveResourceReference(ctx: ScenarioContext, at: Cursor, text: string, providerType: string, home: ResourceGroupEntry): string {
  if (text.startsWith('/')) return text;
  const parts = text.split('/');
  if (parts.length === 1) return resourceId(home.subscriptionId, home.name, providerType, text);
  if (parts.length === 3 && parts.every((p) => p !== '')) {
    const rg = resolveResourceGroup(ctx, at, `${parts[0] ?? ''}/${parts[1] ?? ''}`);
    return resourceId(rg.subscriptionId, rg.name, providerType, parts[2] ?? '');
  }
  ctx.doc.fail(at, `expected NAME, SUBSCRIPTION/RESOURCE-GROUP/NAME or an ARM id, got '${text}'`);
}

const SCOPE_FORMS =
  'mg:NAME, sub:NAME, rg:SUB/RG, cluster:NAME[/namespaces/NS], cluster:SUB/RG/NAME[/namespaces/NS], registry:NAME, vnet:SUB/RG/NAME, subnet:VNET/SUBNET, identity:NAME, dnszone:SUB/RG/ZONE, resource:SUB/RG/PROVIDER/TYPE/NAME, root, or an ARM id';

const RAW_SCOPE = /^\/(subscriptions\/[^/]+(\/resourceGroups\/[^/]+(\/providers\/.+)?)?|providers\/Microsoft\.Management\/managementGroups\/[^/]+)$/i;

/** A scope reference → its ARM id. */
export function resolveScope(ctx: ScenarioContext, at: Cursor): string {
  const text = ctx.doc.string(at);
  if (text === '/') return '/';
  if (text.startsWith('/')) {
    if (!RAW_SCOPE.test(text)) ctx.doc.fail(at, `'${text}' is not an ARM scope (/subscriptions/…, /providers/Microsoft.Management/managementGroups/…)`);
    return text;
  }
  if (text === 'root' || text === 'mg:root') return managementGroupId(ctx.tenantId);
  const colon = text.indexOf(':');
  if (colon < 0) ctx.doc.fail(at, `'${text}' is not a scope; use ${SCOPE_FORMS}`);
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (kind) {
    case 'mg': {
      const mg = ctx.managementGroups.get(rest.toLowerCase());
      if (mg === undefined) ctx.doc.fail(at, `unknown management group '${rest}'${didYouMean(rest, [...ctx.managementGroups.values()].map((m) => m.name))}`);
      return managementGroupId(mg.name);
    }
    case 'sub':
      return subscriptionScope(resolveSubscription(ctx, at, rest).subscriptionId);
    case 'rg': {
      const rg = resolveResourceGroup(ctx, at, rest);
      return resourceGroupId(rg.subscriptionId, rg.name);
    }
    case 'cluster': {
      const [clusterText = '', namespace] = rest.split('/namespaces/');
      const cluster = findCluster(ctx, at, clusterText);
      if (namespace === undefined) return cluster.id;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) ctx.doc.fail(at, `'${namespace}' is not a Kubernetes namespace name`);
      return `${cluster.id}/namespaces/${namespace}`;
    }
    case 'registry':
    case 'acr': {
      const parts = rest.split('/');
      const matches = [...ctx.registries.values()].filter(
        (r) => r.name.toLowerCase() === (parts.at(-1) ?? '').toLowerCase() && (parts.length === 1 || r.resourceGroup === resolveResourceGroup(ctx, at, parts.slice(0, 2).join('/'))),
      );
      const registry = matches[0];
      if (registry === undefined) ctx.doc.fail(at, `unknown registry '${rest}'${didYouMean(rest, [...ctx.registries.values()].map((r) => r.name))}`);
      return registry.id;
    }
    case 'vnet': {
      const parts = rest.split('/');
      const matches = [...ctx.vnets.values()].filter(
        (v) => v.name.toLowerCase() === (parts.at(-1) ?? '').toLowerCase() && (parts.length === 1 || v.resourceGroup === resolveResourceGroup(ctx, at, parts.slice(0, 2).join('/'))),
      );
      if (matches.length > 1) ctx.doc.fail(at, `virtual network '${rest}' is ambiguous; write vnet:SUBSCRIPTION/RESOURCE-GROUP/NAME`);
      const vnet = matches[0];
      if (vnet === undefined) ctx.doc.fail(at, `unknown virtual network '${rest}'${didYouMean(rest, [...ctx.vnets.values()].map((v) => v.name))}`);
      return vnet.id;
    }
    case 'subnet':
      return findSubnet(ctx, at, rest).id;
    case 'identity': {
      const identity = ctx.managedIdentities.get(rest.toLowerCase());
      if (identity === undefined) ctx.doc.fail(at, `unknown managed identity '${rest}'${didYouMean(rest, [...ctx.managedIdentities.values()].map((m) => m.name))}`);
      return identity.id;
    }
    case 'dnszone': {
      const parts = rest.split('/');
      if (parts.length !== 3) ctx.doc.fail(at, `expected dnszone:SUBSCRIPTION/RESOURCE-GROUP/ZONE, got '${text}'`);
      const rg = resolveResourceGroup(ctx, at, parts.slice(0, 2).join('/'));
      return resourceId(rg.subscriptionId, rg.name, PRIVATE_DNS_ZONES, parts[2] ?? '');
    }
    case 'resource': {
      const parts = rest.split('/');
      if (parts.length < 5 || parts.length % 2 === 0 || !(parts[2] ?? '').includes('.')) {
        ctx.doc.fail(at, `expected resource:SUBSCRIPTION/RESOURCE-GROUP/PROVIDER.NAMESPACE/TYPE/NAME (e.g. resource:prod/rg-data/Microsoft.KeyVault/vaults/kv-payments), got '${text}'`);
      }
      const rg = resolveResourceGroup(ctx, at, parts.slice(0, 2).join('/'));
      return `${resourceGroupId(rg.subscriptionId, rg.name)}/providers/${parts.slice(2).join('/')}`;
    }
    default:
      ctx.doc.fail(at, `unknown scope kind '${kind}:'${didYouMean(kind, ['mg', 'sub', 'rg', 'cluster', 'registry', 'vnet', 'subnet', 'identity', 'dnszone', 'resource'])}; use ${SCOPE_FORMS}`);
  }
}
