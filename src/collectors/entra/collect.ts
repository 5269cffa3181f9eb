import type { EntraDirectory } from '../../model/entra.ts';
import { ManifestError } from '../../manifests/ManifestError.ts';
import { CollectorError } from '../CollectorError.ts';
import { fetchEntra, type EntraFetchOptions } from './fetch.ts';
import type { EntraClients } from './clients.ts';
import { transformEntra } from './transform.ts';

export type { EntraClients } from './clients.ts';

/** The one Entra unit: the tenant the Graph client's credential belongs to. */
export interface EntraScope {
  readonly tenantId: string;
}

export interface EntraCollectOptions extends EntraFetchOptions {
  readonly clients: EntraClients;
}

export const ENTRA_UNIT = 'entra tenant';

/**
 * The tenant's users, groups (direct members) and service principals from Microsoft Graph, complete or not at
 * all: throws a CollectorError (`denied` naming the Graph permission, `transient` after bounded retries,
 * `invalid` naming the object).
 */
export async function collect(_scope: EntraScope, options: EntraCollectOptions): Promise<EntraDirectory> {
  const unit = ENTRA_UNIT;
  try {
    return transformEntra(await fetchEntra(unit, options.clients, options));
  } catch (error) {
    if (error instanceof ManifestError) throw new CollectorError('invalid', unit, `malformed data from the service: ${error.message}`, { cause: error });
    throw error;
  }
}
