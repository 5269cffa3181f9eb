import { app, type StorageQueueFunctionOptions } from '@azure/functions';
import { composition } from '../src/composition.ts';
import { COMPILE_QUEUE } from '../src/sync/syncMessages.ts';

/** Compiles one cluster into a new generation per message. */
export const syncCompile: StorageQueueFunctionOptions = {
  queueName: COMPILE_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => composition().syncHandlers.onCompileMessage(message, context),
};

app.storageQueue('syncCompile', syncCompile);
