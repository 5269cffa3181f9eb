import { fork } from 'node:child_process';
import { ask, closeChild, nextMessage } from './nextMessage.ts';
import { fileURLToPath } from 'node:url';
import type { RouterTime } from '../sim/simRouters.ts';

/** What the simulated tenant's process sends once it listens. */
export interface SimReady {
  readonly type: 'ready';
  readonly tenantId: string;
  readonly armUrl: string;
  readonly graphUrl: string;
  readonly k8sUrl: string;
  readonly ca: string;
  readonly generateMs: number;
}

/** The simulator's cost since the last reset: its whole process's CPU time, and the time inside each router. */
export interface SimStats {
  readonly type: 'stats';
  readonly cpuMs: number;
  readonly routers: Readonly<Record<'arm' | 'graph' | 'k8s', RouterTime>>;
  readonly maxRssBytes: number;
}

export interface SimProcess extends Omit<SimReady, 'type'> {
  /** Starts a measurement window: the simulator's counters go back to zero. */
  reset(): void;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('../sim/simServer.ts', import.meta.url));


/**
 * Starts the simulated tenant of a benchmark size in a child process (generated from the same seed as the
 * benchmark's own copy, so both hold the same tenant). `pageSize` bounds every list page it serves.
 */
export async function startSimProcess(size: string, pageSize: number): Promise<SimProcess> {
  const child = fork(SERVER, [size, String(pageSize)], { execArgv: ['--max-old-space-size=8192'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await nextMessage<SimReady>(child, 'ready', 'the simulated tenant');
  return {
    tenantId: ready.tenantId,
    armUrl: ready.armUrl,
    graphUrl: ready.graphUrl,
    k8sUrl: ready.k8sUrl,
    ca: ready.ca,
    generateMs: ready.generateMs,
    reset: () => child.send({ type: 'reset' }),
    stats: () => ask<SimStats>(child, 'stats', 'the simulated tenant'),
    close: () => closeChild(child),
  };
}

/** The simulator's figures as the results show them: CPU seconds of its process, ms inside each router. */
export function simulatorShare(stats: SimStats): { cpuMs: number; routerMs: Record<string, number>; requests: Record<string, number>; peakRssMiB: number } {
  const routerMs: Record<string, number> = {};
  const requests: Record<string, number> = {};
  for (const [service, t] of Object.entries(stats.routers)) {
    routerMs[service] = Math.round(t.ms);
    requests[service] = t.requests;
  }
  return { cpuMs: Math.round(stats.cpuMs), routerMs, requests, peakRssMiB: Math.round(stats.maxRssBytes / 2 ** 20) };
}
