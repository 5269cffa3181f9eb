/**
 * The embedded Cosmos DB server (src/dev/embeddedCosmos.ts, @vercel/cosmosdb-server) in its own process, forked
 * by bench/lib/cosmosProcess.ts: its CPU time is measured apart from ours, and every request it serves is
 * timed from the server's `request` event to the response's `finish` (the onRequest hook of
 * startEmbeddedCosmos; Node passes the response as the event's second argument). Protocol (IPC): sends `ready`
 * with the endpoint and CA; `reset` starts a window (optionally recording each request); `stats` answers with
 * the window's CPU time, request counts and timings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startEmbeddedCosmos } from '../../src/dev/embeddedCosmos.ts';
import { createSimCertificate } from '../../src/sim/server/simCertificate.ts';
import type { CosmosReady, CosmosRequestRecord, CosmosStats } from '../lib/cosmosProcess.ts';

const send = (message: CosmosReady | CosmosStats) => {
  process.send?.(message);
};

/** What a request is, from its method, path and the Cosmos headers the SDK sets. */
function classify(req: IncomingMessage): CosmosRequestRecord {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const segments = path.split('/').filter((s) => s !== '');
  const collection = segments[0] === 'dbs' && segments[2] === 'colls' ? segments[3] : undefined;
  const resource = segments.length % 2 === 0 ? (segments.at(-2) ?? '') : (segments.at(-1) ?? '');
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const partitionKey = header('x-ms-documentdb-partitionkey');
  let kind: string;
  if (header('x-ms-cosmos-is-query-plan-request') === 'True' || header('x-ms-cosmos-is-query-plan-request') === 'true') kind = 'query plan';
  else if (header('x-ms-documentdb-isquery') !== undefined || req.headers['content-type'] === 'application/query+json') kind = 'query';
  else if (header('x-ms-cosmos-is-batch-request') !== undefined) kind = 'batch';
  else if (req.method === 'GET' && resource === 'docs' && segments.length % 2 === 0) kind = 'point read';
  else if (req.method === 'GET' && resource === 'pkranges') kind = 'partition key ranges';
  else if (req.method === 'GET' && segments.length === 0) kind = 'account';
  else kind = `${req.method ?? '?'} ${resource || '/'}`;
  return {
    kind,
    method: req.method ?? '?',
    ...(collection === undefined ? {} : { container: collection }),
    partitionKey: partitionKey ?? null,
    crossPartition: partitionKey === undefined && (kind === 'query' || kind === 'query plan'),
    ms: 0,
  };
}

let cpuAtReset = process.cpuUsage();
let windowStart = performance.now();
let requests = 0;
let handlerMs = 0;
let inFlight = 0;
let busySince = 0;
let busyMs = 0;
const byKind: Record<string, number> = {};
let recording = false;
let records: CosmosRequestRecord[] = [];

const onRequest = (req: IncomingMessage, ...rest: unknown[]): void => {
  const res = rest[0] as ServerResponse | undefined;
  const t0 = performance.now();
  requests++;
  if (inFlight++ === 0) busySince = t0;
  const record = classify(req);
  byKind[record.kind] = (byKind[record.kind] ?? 0) + 1;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    const t1 = performance.now();
    handlerMs += t1 - t0;
    if (--inFlight === 0) busyMs += t1 - busySince;
    if (recording) records.push({ ...record, ms: Math.round((t1 - t0) * 1000) / 1000 });
  };
  res?.once('finish', finish);
  res?.once('close', finish);
};

const certificate = await createSimCertificate();
const cosmos = await startEmbeddedCosmos(certificate, onRequest);

process.on('message', (message: unknown) => {
  const m = message as { type?: unknown; record?: unknown } | null;
  if (m?.type === 'reset') {
    cpuAtReset = process.cpuUsage();
    windowStart = performance.now();
    requests = 0;
    handlerMs = 0;
    busyMs = 0;
    if (inFlight > 0) busySince = windowStart;
    for (const k of Object.keys(byKind)) Reflect.deleteProperty(byKind, k);
    recording = m.record === true;
    records = [];
  } else if (m?.type === 'stats') {
    const cpu = process.cpuUsage(cpuAtReset);
    const now = performance.now();
    send({
      type: 'stats',
      cpuMs: (cpu.user + cpu.system) / 1000,
      windowMs: now - windowStart,
      requests,
      handlerMs,
      busyMs: busyMs + (inFlight > 0 ? now - busySince : 0),
      byKind: { ...byKind },
      records,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  } else if (m?.type === 'close') {
    void cosmos.close().then(() => {
      process.disconnect();
    });
  }
});
// The benchmark process gone (killed, crashed): go too, rather than serve nobody.
process.once('disconnect', () => process.exit(0));
send({ type: 'ready', endpoint: cosmos.endpoint, ca: cosmos.ca });
