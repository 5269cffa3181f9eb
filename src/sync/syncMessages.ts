import type { UnitKey, UnitSource } from '../store/IndexStore.ts';
import { unitScope } from './units.ts';

/*
 * What travels on the sync queues, one JSON document per Storage-queue message (base64-encoded on the wire,
 * the Functions host's default `messageEncoding`). Version 1; a reader refuses anything it does not know.
 */

/** The queue the timer and the listing units fill with units to run. */
export const UNIT_QUEUE = 'sync-units';
/** The queue of clusters to compile. */
export const COMPILE_QUEUE = 'sync-compile';

/** Run one unit in one run: `{"v":1,"runId":"run-…","unit":{"source":"azure-rbac","scope":"sub:…"}}`. */
export interface UnitMessage {
  readonly v: 1;
  readonly runId: string;
  readonly unit: UnitKey;
}

/**
 * Compile one cluster: `{"v":1,"runId":"run-…","clusterId":"/subscriptions/…/managedClusters/…","requestedAt":"…Z"}`;
 * `requestedAt` is when the unit that asked finished writing (a generation compiled later already has it).
 */
export interface CompileMessage {
  readonly v: 1;
  readonly runId: string;
  readonly clusterId: string;
  readonly requestedAt: string;
}

/** A message the handlers cannot use: which field, what was expected. Retrying cannot fix it; it ends in the poison queue. */
export class SyncMessageError extends Error {
  override readonly name = 'SyncMessageError';
}

const SOURCES: readonly UnitSource[] = ['azure-rbac', 'aks-clusters', 'entra', 'k8s-rbac'];

/** The host hands a JSON message to the handler parsed; a string body (or one from another sender) is parsed here. */
function body(message: unknown, what: string): Record<string, unknown> {
  let value = message;
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message) as unknown;
    } catch {
      throw new SyncMessageError(`${what} message is not JSON: ${message.slice(0, 80)}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyncMessageError(`${what} message must be a JSON object`);
  const record = value as Record<string, unknown>;
  if (record.v !== 1) throw new SyncMessageError(`${what} message: v must be 1 (got ${JSON.stringify(record.v)})`);
  return record;
}

function text(record: Record<string, unknown>, field: string, what: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw new SyncMessageError(`${what} message: ${field} must be a non-empty string`);
  return value;
}

export function parseUnitMessage(message: unknown): UnitMessage {
  const record = body(message, 'unit');
  const runId = text(record, 'runId', 'unit');
  const unit = record.unit;
  if (typeof unit !== 'object' || unit === null) throw new SyncMessageError('unit message: unit must be {source, scope}');
  const { source, scope } = unit as Record<string, unknown>;
  if (typeof source !== 'string' || !(SOURCES as readonly string[]).includes(source)) throw new SyncMessageError(`unit message: unit.source must be one of ${SOURCES.join(', ')}`);
  if (typeof scope !== 'string') throw new SyncMessageError('unit message: unit.scope must be a string');
  const key: UnitKey = { source: source as UnitSource, scope };
  try {
    unitScope(key);
  } catch (error) {
    throw new SyncMessageError(`unit message: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { v: 1, runId, unit: key };
}

export function parseCompileMessage(message: unknown): CompileMessage {
  const record = body(message, 'compile');
  const requestedAt = text(record, 'requestedAt', 'compile');
  if (Number.isNaN(Date.parse(requestedAt))) throw new SyncMessageError('compile message: requestedAt must be an ISO 8601 time');
  return { v: 1, runId: text(record, 'runId', 'compile'), clusterId: text(record, 'clusterId', 'compile'), requestedAt };
}

/** The text of a queue message as the Functions host expects it by default (base64 of the UTF-8 JSON). */
export function encodeMessage(message: UnitMessage | CompileMessage): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
}
