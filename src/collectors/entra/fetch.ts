import type { Json } from '../../normalize/jsonFields.ts';
import { CollectorError } from '../CollectorError.ts';
import { allSettledOrThrow, mapBounded, readWithRetry, type ReadContext } from '../readWithRetry.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../withRetry.ts';
import type { EntraClients } from './clients.ts';
import type { GraphClient } from './graphClient.ts';

/** The raw Graph objects, as listed: groups with their direct members alongside. */
export interface EntraPages {
  readonly users: readonly Json[];
  readonly groups: readonly Json[];
  /** Direct members of each group, by the group's id as listed. */
  readonly membersByGroupId: ReadonlyMap<string, readonly Json[]>;
  readonly servicePrincipals: readonly Json[];
}

export interface EntraFetchOptions {
  readonly retry?: RetryPolicy;
  /** How many groups' member lists are read at once. Default 8. */
  readonly memberConcurrency?: number;
}

const PAGE = '$top=999';
const USERS = `/v1.0/users?$select=id,displayName,userPrincipalName&${PAGE}`;
const GROUPS = `/v1.0/groups?$select=id,displayName,securityEnabled,groupTypes&${PAGE}`;
const SERVICE_PRINCIPALS = `/v1.0/servicePrincipals?$select=id,appId,displayName,servicePrincipalType&${PAGE}`;
const membersOf = (groupId: string) => `/v1.0/groups/${encodeURIComponent(groupId)}/members?$select=id,displayName,userPrincipalName,appId,servicePrincipalType&${PAGE}`;

const graphPermission = (name: string) => ({ permission: name, permissionLabel: `the Microsoft Graph application permission ${name}` });

/** Every page of a Graph collection, each page retried on its own; a next link seen twice is an error. */
export async function readAllGraphPages(graph: GraphClient, first: string, context: ReadContext, retry: RetryPolicy): Promise<Json[]> {
  const items: Json[] = [];
  const seen = new Set<string>();
  for (let link: string | undefined = first; link !== undefined; ) {
    const current: string = link;
    const page = await readWithRetry(() => graph.getPage(current), context, retry);
    items.push(...page.value);
    link = page.nextLink;
    if (link !== undefined) {
      if (seen.has(link)) throw new CollectorError('invalid', context.unit, `could not read ${context.what}: Microsoft Graph returned the same next link twice (${link})`);
      seen.add(link);
    }
  }
  return items;
}

/**
 * Users, groups with their direct members, and service principals, complete or a CollectorError. Members are
 * read per group (`$expand=members` stops at 20); nesting is kept as listed, the engine computes closures.
 */
export async function fetchEntra(unit: string, clients: EntraClients, options: EntraFetchOptions = {}): Promise<EntraPages> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const { graph } = clients;
  const [users, groups, servicePrincipals] = await allSettledOrThrow([
    readAllGraphPages(graph, USERS, { unit, what: 'users (GET /v1.0/users)', ...graphPermission('User.Read.All') }, retry),
    readAllGraphPages(graph, GROUPS, { unit, what: 'groups (GET /v1.0/groups)', ...graphPermission('GroupMember.Read.All') }, retry),
    readAllGraphPages(graph, SERVICE_PRINCIPALS, { unit, what: 'service principals (GET /v1.0/servicePrincipals)', ...graphPermission('Application.Read.All') }, retry),
  ]);
  // A group listed without an id has no member list to read; transform reports it as invalid.
  const groupIds = groups.flatMap((g) => (typeof g.id === 'string' && g.id !== '' ? [g.id] : []));
  const members = await mapBounded(groupIds, options.memberConcurrency ?? 8, async (id) => {
    const name = groups.find((g) => g.id === id)?.displayName;
    const what = `members of group ${typeof name === 'string' ? `"${name}" (${id})` : id}`;
    return [id, await readAllGraphPages(graph, membersOf(id), { unit, what, ...graphPermission('GroupMember.Read.All') }, retry)] as const;
  });
  return { users, groups, membersByGroupId: new Map(members), servicePrincipals };
}
