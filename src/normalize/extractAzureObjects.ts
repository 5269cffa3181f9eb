import type { AksCluster } from '../model/aksCluster.ts';
import type { AzureRbacData, DenyAssignment, RoleAssignment, RoleDefinition, ScopeParent } from '../model/azureRbac.ts';
import type { EntraDirectory, EntraGroup, EntraPrincipal, EntraServicePrincipal, EntraUser } from '../model/entra.ts';
import { ManifestError } from '../manifests/ManifestError.ts';
import { field, isObject, str, type Json } from './jsonFields.ts';
import { normalizeDenyAssignment, normalizeHierarchyEntity, normalizeRoleAssignment, normalizeRoleDefinition } from './normalizeAzureRbac.ts';
import { normalizeManagedCluster } from './normalizeManagedCluster.ts';
import { entraKind, normalizeEntraObject } from './normalizeEntraObject.ts';

export interface AzureObjects {
  readonly azure: AzureRbacData;
  readonly clusters: readonly AksCluster[];
  readonly entra: EntraDirectory;
  /** How many objects of each kind were read, for the load summary. */
  readonly counts: ReadonlyMap<string, number>;
  readonly warnings: readonly string[];
}

type Kind = 'roleAssignment' | 'eligibleAssignment' | 'roleDefinition' | 'denyAssignment' | 'managedCluster' | 'hierarchy' | EntraPrincipal['kind'];

/** Recognise an item by its resource type, then by its shape (the az CLI drops some types). */
function classify(item: Json, where: string): Kind | undefined {
  // `where` so that a bad `type` names its file and item (it used to say just "item").
  const type = str(item, 'type', where).toLowerCase();
  if (type.endsWith('/roleassignments') || type.endsWith('/roleassignmentscheduleinstances')) return 'roleAssignment';
  if (type.endsWith('/roleeligibilityscheduleinstances') || type.endsWith('/roleeligibilityschedules')) return 'eligibleAssignment';
  if (type.endsWith('/roledefinitions')) return 'roleDefinition';
  if (type.endsWith('/denyassignments')) return 'denyAssignment';
  if (type === 'microsoft.containerservice/managedclusters') return 'managedCluster';
  if (type.startsWith('microsoft.management/managementgroups') || type === '/subscriptions') return 'hierarchy';
  const entra = entraKind(item, where);
  if (entra !== undefined) return entra;
  const p = isObject(item.properties) ? item.properties : item;
  if (field(p, 'roleName') !== undefined && field(p, 'permissions') !== undefined) return 'roleDefinition';
  if (field(p, 'denyAssignmentName') !== undefined) return 'denyAssignment';
  if (field(p, 'roleDefinitionId') !== undefined && field(p, 'principalId') !== undefined) {
    return field(p, 'roleEligibilityScheduleId') !== undefined ? 'eligibleAssignment' : 'roleAssignment';
  }
  if (field(p, 'agentPoolProfiles') !== undefined || field(p, 'kubernetesVersion') !== undefined) return 'managedCluster';
  return undefined;
}

function mergeGroups(groups: readonly EntraGroup[]): EntraGroup[] {
  const byId = new Map<string, EntraGroup>();
  for (const g of groups) {
    const prev = byId.get(g.id.toLowerCase());
    if (prev === undefined) {
      byId.set(g.id.toLowerCase(), g);
      continue;
    }
    const members = [...new Set([...prev.memberIds, ...g.memberIds])];
    byId.set(g.id.toLowerCase(), { ...prev, ...g, memberIds: members, ...(g.displayName ?? prev.displayName ? { displayName: g.displayName ?? prev.displayName } : {}) });
  }
  return [...byId.values()];
}

/**
 * One object per id, later listings adding to earlier ones. An empty string never replaces a value: a user
 * embedded as a group member with only `id` (Graph `$expand=members($select=id)`) has userPrincipalName "",
 * and used to erase the UPN from the user listing when read after it, so the user lost its Kubernetes name.
 */
function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const i of items) {
    const prev = byId.get(i.id.toLowerCase());
    const filled = prev === undefined ? i : (Object.fromEntries(Object.entries(i).filter(([k, v]) => v !== '' || !(k in prev))) as Partial<T>);
    byId.set(i.id.toLowerCase(), { ...prev, ...filled } as T);
  }
  return [...byId.values()];
}

/**
 * Sorts parsed JSON documents (arrays, `{value: [...]}` pages, single objects) into Azure RBAC, clusters and
 * the Entra directory, recognising each item by its type or shape. Pure: the caller reads the files.
 */
export function extractAzureObjects(documents: readonly { value: unknown; source: string }[]): AzureObjects {
  const roleDefinitions: RoleDefinition[] = [];
  const roleAssignments: RoleAssignment[] = [];
  const denyAssignments: DenyAssignment[] = [];
  const hierarchy: ScopeParent[] = [];
  const clusters: AksCluster[] = [];
  const users: EntraUser[] = [];
  const groups: EntraGroup[] = [];
  const servicePrincipals: EntraServicePrincipal[] = [];
  const counts = new Map<string, number>();
  const warnings: string[] = [];
  let unknown = 0;

  const visit = (item: unknown, where: string) => {
    if (!isObject(item)) throw new ManifestError(`${where}: expected a JSON object, got ${JSON.stringify(item).slice(0, 60)}`);
    const kind = classify(item, where);
    if (kind === undefined) {
      unknown++;
      return;
    }
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    switch (kind) {
      case 'roleAssignment':
        roleAssignments.push(normalizeRoleAssignment(item, where, 'active'));
        break;
      case 'eligibleAssignment':
        roleAssignments.push(normalizeRoleAssignment(item, where, 'eligible'));
        break;
      case 'roleDefinition':
        roleDefinitions.push(normalizeRoleDefinition(item, where));
        break;
      case 'denyAssignment':
        denyAssignments.push(normalizeDenyAssignment(item, where));
        break;
      case 'managedCluster':
        clusters.push(normalizeManagedCluster(item, where));
        break;
      case 'hierarchy':
        normalizeHierarchyEntity(item, where, hierarchy);
        break;
      default:
        for (const p of normalizeEntraObject(item, where, kind)) {
          if (p.kind === 'user') users.push(p);
          else if (p.kind === 'group') groups.push(p);
          else servicePrincipals.push(p);
        }
    }
  };

  for (const { value, source } of documents) {
    if (Array.isArray(value)) value.forEach((item, i) => { visit(item, `${source} [${i}]`); });
    else if (isObject(value) && Array.isArray(value.value)) value.value.forEach((item, i) => { visit(item, `${source} value[${i}]`); });
    else if (isObject(value) && isObject(value.body) && Array.isArray(value.body.value)) {
      // A saved `az rest --verbose`-style envelope is not what the CLI prints; say what is expected instead.
      throw new ManifestError(`${source}: looks like a wrapped HTTP response; save the body only ({"value": [...]})`);
    } else visit(value, source);
  }
  if (unknown > 0) warnings.push(`skipped ${unknown} JSON object(s) that are not role assignments, role or deny definitions, clusters, management groups, users, groups or service principals`);
  const entraGroups = mergeGroups(groups);
  return {
    azure: { roleDefinitions: uniqueById(roleDefinitions), roleAssignments: uniqueById(roleAssignments), denyAssignments: uniqueById(denyAssignments), hierarchy },
    clusters: uniqueById(clusters),
    entra: { users: uniqueById(users), groups: entraGroups, servicePrincipals: uniqueById(servicePrincipals) },
    counts,
    warnings,
  };
}
