import { app, type StorageQueueFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';
import { UNIT_QUEUE } from '../src/sync/syncMessages.ts';

/** Runs one sync unit per message (identity-based AzureWebJobsStorage connection; retries and poison queue per host.json). */
export const syncUnit: StorageQueueFunctionOptions = {
  queueName: UNIT_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => composition().syncHandlers.onUnitMessage(message, context),
};

app.storageQueue('syncUnit', syncUnit);
