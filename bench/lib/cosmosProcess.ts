import { fork } from 'node:child_process';
import { ask, closeChild, nextMessage } from './nextMessage.ts';
import { fileURLToPath } from 'node:url';

/** What the embedded Cosmos server's process sends once it listens. */
export interface CosmosReady {
  readonly type: 'ready';
  readonly endpoint: string;
  readonly ca: string;
}

/** One request the server served, as the SDK sent it. */
export interface CosmosRequestRecord {
  /** `point read`, `query`, `query plan`, `batch`, `partition key ranges`, `account`, or `METHOD resource`. */
  readonly kind: string;
  readonly method: string;
  readonly container?: string;
  /** The `x-ms-documentdb-partitionkey` header: set on single-partition operations, absent on cross-partition ones. */
  readonly partitionKey: string | null;
  /** A query (or query plan) with no partition key: it spans every partition of its container. */
  readonly crossPartition: boolean;
  /** From the server's `request` event to the response's `finish`. */
  readonly ms: number;
}

/** The server's cost since the last reset. */
export interface CosmosStats {
  readonly type: 'stats';
  /** CPU time (user + system) of the whole server process. */
  readonly cpuMs: number;
  readonly windowMs: number;
  readonly requests: number;
  /** Sum over requests of request → response finish (concurrent requests overlap, so it can exceed the window). */
  readonly handlerMs: number;
  /** Wall time with at least one request in flight. */
  readonly busyMs: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Every request of the window, when the reset asked to record them. */
  readonly records: readonly CosmosRequestRecord[];
  readonly maxRssBytes: number;
}

export interface CosmosProcess {
  readonly endpoint: string;
  readonly ca: string;
  reset(record?: boolean): void;
  stats(): Promise<CosmosStats>;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('../sim/cosmosServer.ts', import.meta.url));


/** Starts the embedded Cosmos DB server (empty, in memory) in a child process. */
export async function startCosmosProcess(): Promise<CosmosProcess> {
  const child = fork(SERVER, [], { execArgv: ['--max-old-space-size=8192'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await nextMessage<CosmosReady>(child, 'ready', 'the Cosmos server');
  return {
    endpoint: ready.endpoint,
    ca: ready.ca,
    reset: (record = false) => child.send({ type: 'reset', record }),
    stats: () => ask<CosmosStats>(child, 'stats', 'the Cosmos server'),
    close: () => closeChild(child),
  };
}
