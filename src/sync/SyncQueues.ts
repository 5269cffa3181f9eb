import type { QueueClient } from '@azure/storage-queue';
import { encodeMessage, type CompileMessage, type UnitMessage } from './syncMessages.ts';
import { runBounded } from './runUnits.ts';

/** Where the sync functions put work for each other. */
export interface SyncQueues {
  sendUnits(messages: readonly UnitMessage[]): Promise<void>;
  sendCompiles(messages: readonly CompileMessage[]): Promise<void>;
}

export interface StorageSyncQueuesOptions {
  readonly units: QueueClient;
  readonly compiles: QueueClient;
  /**
   * Compile messages become visible this many seconds after they are sent, so that the several units that
   * feed one cluster in a run are usually compiled once (the compile function skips a request a newer
   * generation already covers). Default 0.
   */
  readonly compileDelaySeconds?: number;
  /** Messages sent at once. Default 16. */
  readonly concurrency?: number;
}

/**
 * The sync queues on Azure Storage. Storage queues have no batch send, so messages go one request each,
 * a bounded number at a time; a failure rejects (the sending function fails and the platform retries it —
 * units are idempotent, so a message sent twice is harmless).
 */
export function storageSyncQueues(options: StorageSyncQueuesOptions): SyncQueues {
  const limit = options.concurrency ?? 16;
  const send = async (queue: QueueClient, messages: readonly (UnitMessage | CompileMessage)[], visibilityTimeout: number) => {
    await runBounded(messages, limit, (m) => queue.sendMessage(encodeMessage(m), visibilityTimeout > 0 ? { visibilityTimeout } : {}));
  };
  return {
    sendUnits: (messages) => send(options.units, messages, 0),
    sendCompiles: (messages) => send(options.compiles, messages, options.compileDelaySeconds ?? 0),
  };
}
