import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ScopeParent } from '../../model/azureRbac.ts';
import { managementGroupId, subscriptionScope } from './armIds.ts';
import { azureBuiltinRoles } from './azureBuiltinRoles.ts';
import { managedClusterResource } from './managedClusterResource.ts';
import { parseManagedIdentities, parseManagementGroups, parseRegistries, parseSubscriptions, parseVirtualNetworks, guidOr } from './parseAzureResources.ts';
import { parseCustomRoles, parseDenyAssignments, parseRoleAssignments } from './parseAzureRbac.ts';
import { parseClusters } from './parseClusters.ts';
import { parseGroups, parseServicePrincipals, parseUsers, resolveGroupMembers } from './parseDirectory.ts';
import { parseClusterKubernetes } from './parseKubernetes.ts';
import { parseFaults } from './parseFaults.ts';
import { ScenarioDocument } from './scenarioDocument.ts';
import type { ScenarioContext } from './scenarioContext.ts';
import { ScenarioError } from './ScenarioError.ts';
import type { SimCluster, TenantScenario } from './TenantScenario.ts';
import { uuidV5 } from './deterministicIds.ts';

/*
 * Scenario files: a tenant described by names (scenarios/README.md has the format). Ids are derived from
 * the names (UUIDv5), so the same file always yields the same tenant, object for object.
 */

const TOP_LEVEL = [
  'tenant',
  'managementGroups',
  'subscriptions',
  'users',
  'groups',
  'servicePrincipals',
  'managedIdentities',
  'customRoles',
  'roleAssignments',
  'denyAssignments',
  'virtualNetworks',
  'registries',
  'clusters',
  'faults',
] as const;

export interface ParseScenarioOptions {
  /** Directory that manifest paths are relative to; defaults to the directory of `source`. */
  readonly baseDir?: string;
}

/** Parses a scenario from YAML text; `source` names the file in errors (and anchors relative manifest paths). */
export async function parseScenario(text: string, source: string, options: ParseScenarioOptions = {}): Promise<TenantScenario> {
  const doc = ScenarioDocument.parse(text, source);
  doc.mapping(doc.root, TOP_LEVEL, 'a scenario (a mapping with tenant, subscriptions, clusters, …)');

  const tenantAt = doc.field(doc.root, 'tenant');
  doc.mapping(tenantAt, ['name', 'id', 'location'], 'a tenant mapping {name, id, location}');
  const tenantNameAt = doc.field(tenantAt, 'name');
  const tenantName = doc.string(tenantNameAt);
  if (!/^[A-Za-z0-9][-A-Za-z0-9.]*$/.test(tenantName)) doc.fail(tenantNameAt, `'${tenantName}' is not a tenant name (letters, digits, '-' and '.')`);
  const ctx: ScenarioContext = {
    doc,
    tenantName,
    tenantId: guidOr(doc, doc.field(tenantAt, 'id'), () => uuidV5(`tenant/${tenantName.toLowerCase()}`)),
    defaultLocation: doc.optionalString(doc.field(tenantAt, 'location')) ?? 'westeurope',
    managementGroups: new Map(),
    subscriptions: new Map(),
    principals: new Map(),
    managedIdentities: new Map(),
    vnets: new Map(),
    subnets: new Map(),
    registries: new Map(),
    clusters: [],
    roles: new Map(azureBuiltinRoles().map((r) => [r.roleName.toLowerCase(), r])),
    users: [],
    groups: [],
    servicePrincipals: [],
    roleAssignments: [],
    denyAssignments: [],
  };
  const section = (name: (typeof TOP_LEVEL)[number]) => doc.field(doc.root, name);

  // Order matters: each section refers only to what the ones before it declared.
  parseManagementGroups(ctx, section('managementGroups'));
  parseSubscriptions(ctx, section('subscriptions'));
  parseUsers(ctx, section('users'));
  parseServicePrincipals(ctx, section('servicePrincipals'));
  parseManagedIdentities(ctx, section('managedIdentities'));
  const groups = parseGroups(ctx, section('groups'));
  parseVirtualNetworks(ctx, section('virtualNetworks'));
  parseRegistries(ctx, section('registries'));
  parseClusters(ctx, section('clusters'));
  // Members last among principals: groups may contain cluster and kubelet identities.
  resolveGroupMembers(ctx, groups);
  parseCustomRoles(ctx, section('customRoles'));
  parseRoleAssignments(ctx, section('roleAssignments'));
  parseDenyAssignments(ctx, section('denyAssignments'));
  const faults = parseFaults(doc, section('faults'));

  const baseDir = options.baseDir ?? dirname(resolve(source));
  const clusters: SimCluster[] = [];
  for (const cluster of ctx.clusters) {
    clusters.push({ arm: managedClusterResource(cluster.spec), kubernetes: await parseClusterKubernetes(ctx, cluster, baseDir) });
  }

  const managementGroups = [...ctx.managementGroups.values()];
  const subscriptions = [...ctx.subscriptions.values()];
  const hierarchy: ScopeParent[] = [
    ...managementGroups.flatMap((mg) => (mg.parent === undefined ? [] : [{ id: managementGroupId(mg.name), parentId: managementGroupId(mg.parent), displayName: mg.displayName }])),
    ...subscriptions.map((s) => ({ id: subscriptionScope(s.subscriptionId), parentId: managementGroupId(s.managementGroup), displayName: s.displayName })),
  ];
  return {
    tenantId: ctx.tenantId,
    managementGroups,
    subscriptions: subscriptions.map((s) => ({ subscriptionId: s.subscriptionId, displayName: s.displayName, managementGroup: s.managementGroup })),
    azure: { roleDefinitions: [...ctx.roles.values()], roleAssignments: ctx.roleAssignments, denyAssignments: ctx.denyAssignments, hierarchy },
    entra: { users: ctx.users, groups: ctx.groups, servicePrincipals: ctx.servicePrincipals },
    clusters,
    registries: [...ctx.registries.values()].map((r) => ({ id: r.id, name: r.name, loginServer: r.loginServer, location: r.location })),
    subnets: [...ctx.subnets.values()].map((s) => ({
      id: s.id,
      addressPrefix: s.addressPrefix,
      ...(s.routeTableId === undefined ? {} : { routeTableId: s.routeTableId }),
      ...(s.networkSecurityGroupId === undefined ? {} : { networkSecurityGroupId: s.networkSecurityGroupId }),
    })),
    resourceGroups: subscriptions.flatMap((s) => [...s.resourceGroups.values()].map((rg) => ({ subscriptionId: rg.subscriptionId, name: rg.name, location: rg.location }))),
    managedIdentities: [...ctx.managedIdentities.values()].map((m) => ({ id: m.id, name: m.name, location: m.location, principalId: m.principalId, clientId: m.clientId, tenantId: m.tenantId })),
    ...(faults.length === 0 ? {} : { faults }),
  };
}

/** Reads and parses a scenario file; manifest paths in it are relative to the file. */
export async function loadScenario(path: string): Promise<TenantScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, '', `cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
  return parseScenario(text.startsWith('\uFEFF') ? text.slice(1) : text, path);
}
