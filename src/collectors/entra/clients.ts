import type { TokenCredential } from '@azure/identity';
import { GraphClient, type GraphClientSettings } from './graphClient.ts';

/** The client the entra collector reads through; the composition root (or a test) builds it. */
export interface EntraClients {
  readonly graph: GraphClient;
}

export function createEntraClients(credential: TokenCredential, settings: GraphClientSettings = {}): EntraClients {
  return { graph: new GraphClient(credential, settings) };
}
