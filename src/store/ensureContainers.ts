import type { CosmosClient, Database } from '@azure/cosmos';
import { CONTAINER_LIST, DATABASE_ID } from './containers.ts';

/**
 * Creates the database and every container of containers.ts if they are missing — FOR LOCAL RUNS AND TESTS
 * ONLY (the in-process Cosmos server starts empty; the emulator may too). Production never calls this: the
 * account is deployed with `disableLocalAuth` and the containers come from Bicep, and the Function App's
 * identity holds only the data-plane role, which cannot create containers anyway.
 */
export async function ensureContainers(client: CosmosClient, databaseId: string = DATABASE_ID): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const definition of CONTAINER_LIST) {
    await database.containers.createIfNotExists({
      id: definition.id,
      partitionKey: { paths: [definition.partitionKeyPath] },
      ...(definition.defaultTtl === undefined ? {} : { defaultTtl: definition.defaultTtl }),
    });
  }
  return database;
}
