import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { createAzureRbacClients } from '../collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../collectors/entra/clients.ts';
import { unitCollectors, type CollectUnit } from '../sync/unitCollectors.ts';

/** `--subscription ID...` / `--cluster NAME...`: the part of a real tenant a local run indexes. */
export interface LiveFilters {
  readonly subscriptions: readonly string[];
  readonly clusters: readonly string[];
}

const ARM_SCOPE = 'https://management.azure.com/.default';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Narrows a run to the chosen subscriptions and clusters where the run discovers them: the tenant unit's
 * subscription list (so only the chosen subscriptions get units) and each subscription's cluster list (so only
 * the chosen clusters get a Kubernetes unit). Tenant-wide data (role definitions, management-group
 * assignments, the directory) is still read whole: every answer needs it.
 */
export function filterCollect(collect: CollectUnit, filters: LiveFilters): CollectUnit {
  const subscriptions = new Set(filters.subscriptions.map((s) => s.toLowerCase()));
  const clusters = new Set(filters.clusters.map((c) => c.toLowerCase()));
  return async (unit) => {
    const snapshot = await collect(unit);
    if (snapshot.source === 'azure-rbac' && unit.scope === 'tenant' && subscriptions.size > 0) {
      return { ...snapshot, data: { ...snapshot.data, subscriptions: snapshot.data.subscriptions.filter((s) => subscriptions.has(s.subscriptionId.toLowerCase())) } };
    }
    if (snapshot.source === 'aks-clusters' && clusters.size > 0) {
      return { ...snapshot, data: { ...snapshot.data, clusters: snapshot.data.clusters.filter((c) => clusters.has(c.name.toLowerCase()) || clusters.has(c.id.toLowerCase())) } };
    }
    return snapshot;
  };
}

/** The directory (tenant) id a token was issued for: its `tid` claim. */
export function tenantOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

export interface LiveTenant {
  readonly tenantId: string;
  readonly credential: TokenCredential;
  readonly collect: CollectUnit;
}

/**
 * The real tenant, read with the developer's own identity: DefaultAzureCredential (`az login`, environment
 * variables, a managed identity) against the public Azure Resource Manager and Microsoft Graph, through the
 * same collector client factories the Functions use. The tenant is `--tenant`, else AZURE_TENANT_ID, else the
 * tenant of the signed-in identity's token. The identity needs what the collectors declare (README, "The
 * indexer"): Reader on the subscriptions, the AKS read data actions, and the Graph read permissions.
 */
export async function liveTenant(filters: LiveFilters, tenant: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<LiveTenant> {
  const credential = new DefaultAzureCredential(tenant === undefined ? {} : { tenantId: tenant });
  let tenantId = tenant ?? env.AZURE_TENANT_ID;
  if (tenantId === undefined) {
    let token;
    try {
      token = await credential.getToken(ARM_SCOPE);
    } catch (error) {
      throw new Error(`--live needs an Azure identity: run 'az login' (or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET). ${error instanceof Error ? error.message : String(error)}`);
    }
    tenantId = tenantOfToken(token.token);
    if (tenantId === undefined) throw new Error('could not tell the tenant from the signed-in identity: pass --tenant TENANT_ID');
  }
  if (!GUID.test(tenantId)) throw new Error(`--tenant ${tenantId}: expected the directory (tenant) id, a GUID`);
  const collect = unitCollectors({
    tenantId,
    credential,
    azureRbac: createAzureRbacClients(credential),
    aksClusters: createAksClustersClients(credential),
    entra: createEntraClients(credential),
  });
  return { tenantId, credential, collect: filterCollect(collect, filters) };
}
