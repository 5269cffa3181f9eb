/*
 * Every Cosmos DB container of the index, declared once. Plain data on purpose: the Bicep in infra/ must
 * declare the same containers (a test keeps the two in step), and ensureContainers() creates exactly these
 * for local runs and tests. Partition keys follow the questions (DESIGN.md, Store):
 *
 * - `tenant`       Azure RBAC and cluster resources. `/pk` is `tenant` for the tenant unit (built-in roles, the
 *                  management-group tree, the subscription list) or `sub:<subscriptionId>` for a subscription's
 *                  assignments, deny assignments, PIM eligibilities, custom roles and AKS clusters — one
 *                  subscription's data is one partition, written and cleaned up together.
 * - `principals`   Entra users, groups and service principals; `/id` is the object id, so a principal is a
 *                  point read. Groups are stored without their member list (it can be huge): see memberships.
 * - `memberships`  A group's direct members, in bounded documents (`/groupId`): a group's members are one
 *                  partition, and a group of 100 000 members never meets the 2 MB document limit.
 * - `clusters`     Everything about one cluster in one partition (`/clusterId`, the lower-case ARM id): its
 *                  Kubernetes objects, its compiled generations (chunks) and its pointer document. TTL is on
 *                  with no default expiry (-1): superseded generation chunks are given a `ttl` and expire.
 * - `status`       One status document per unit, partitioned by unit (`/unit`).
 * - `reports`      Compliance reports (src/reports): every report's summary in partition `summary` (the trend
 *                  of the last N runs is one single-partition query), its body in partition `report:<id>`. TTL on
 *                  with no default: documents carry their own retention.
 *
 * Every document carries `type` (what it holds), `unit` and `runId` (which unit wrote it, in which run).
 */

export interface ContainerDefinition {
  readonly id: string;
  /** The partition key path (one path, hash partitioning). */
  readonly partitionKeyPath: string;
  /**
   * Cosmos `defaultTtl`: absent = TTL off (documents never expire, a `ttl` on them is ignored); -1 = TTL on
   * with no default expiry (only documents that carry a `ttl` expire); n > 0 = every document expires after n s.
   */
  readonly defaultTtl?: number;
  readonly description: string;
}

export const DATABASE_ID = 'aks-access';

export const CONTAINERS = {
  tenant: {
    id: 'tenant',
    partitionKeyPath: '/pk',
    description: "Azure RBAC and AKS cluster resources; pk 'tenant' or 'sub:<subscriptionId>'",
  },
  principals: {
    id: 'principals',
    partitionKeyPath: '/id',
    description: 'Entra users, groups (without members) and service principals; a principal is a point read',
  },
  memberships: {
    id: 'memberships',
    partitionKeyPath: '/groupId',
    description: "A group's direct members in bounded documents; one group is one partition",
  },
  clusters: {
    id: 'clusters',
    partitionKeyPath: '/clusterId',
    defaultTtl: -1,
    description: "One cluster per partition: its Kubernetes objects, compiled generation chunks and pointer; superseded chunks get a ttl",
  },
  status: {
    id: 'status',
    partitionKeyPath: '/unit',
    description: 'The last status of each sync unit',
  },
} as const satisfies Record<string, ContainerDefinition>;

export type ContainerName = keyof typeof CONTAINERS;

/** Compliance reports: not part of the index (the index store never reads or cleans them up), so declared apart. */
export const REPORTS_CONTAINER = {
  id: 'reports',
  partitionKeyPath: '/pk',
  defaultTtl: -1,
  description: "Compliance reports; pk 'summary' (every report's counts, for trends) or 'report:<id>' (one report's body)",
} as const satisfies ContainerDefinition;

/** In declaration order: what ensureContainers() creates and what the Bicep must declare. */
export const CONTAINER_LIST: readonly ContainerDefinition[] = [...Object.values(CONTAINERS), REPORTS_CONTAINER];
