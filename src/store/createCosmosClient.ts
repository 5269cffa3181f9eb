import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { CosmosClient } from '@azure/cosmos';

export interface CosmosClientSettings {
  /** `https://<account>.documents.azure.com:443/`, or the in-process server's `https://127.0.0.1:<port>/`. */
  readonly endpoint: string;
  /** Entra ID (keyless): the account has `disableLocalAuth`, so there is no key to pass. */
  readonly credential: TokenCredential;
  /**
   * Only for a server with its own certificate (the in-process Cosmos server in tests and `npm start`):
   * an `https.Agent({ ca })` that trusts that certificate. Never an agent that turns verification off.
   */
  readonly agent?: Agent;
}

/**
 * A keyless Cosmos DB client: every request carries an Entra ID token for the account (the SDK asks the
 * credential for `https://<account host>/.default`). The in-process @vercel/cosmosdb-server accepts any
 * Authorization header (it checks none), so tests run this exact code with a static test credential; the
 * tokens they see on the wire prove the AAD path is the one taken.
 */
export function createCosmosClient(settings: CosmosClientSettings): CosmosClient {
  return new CosmosClient({
    endpoint: settings.endpoint,
    aadCredentials: settings.credential,
    ...(settings.agent === undefined ? {} : { agent: settings.agent }),
    userAgentSuffix: 'aks-access',
  });
}
