import type { AccessModelInput } from '../engine/access/accessModel.ts';
import { sha256Hex } from './documentIds.ts';

/*
 * Pure: a generation's input ↔ chunks no larger than a byte budget (Cosmos DB documents are limited to 2 MB).
 * The input is cut into segments — one per array (`clusters`, `azure.roleAssignments`, each field of each
 * cluster's Kubernetes objects, …) — whose items are packed in order into chunks; a long array continues in
 * the next chunk. Joining the chunks in order gives back the same input, the Kubernetes Map included (a Map
 * does not survive JSON: it travels as a `map` segment and one `entry` segment per key). Non-array fields
 * travel as values, so fields the engine input gains later are kept without a change here.
 */

export type GenerationSegment =
  | { readonly kind: 'map'; readonly path: readonly [string] }
  | { readonly kind: 'entry'; readonly path: readonly [string, string] }
  | { readonly kind: 'items'; readonly path: readonly string[]; readonly items: readonly unknown[] }
  | { readonly kind: 'value'; readonly path: readonly string[]; readonly value: unknown };

export type GenerationChunk = readonly GenerationSegment[];

/** Default budget per chunk: 1 MB of JSON, half the 2 MB document limit (the rest is headroom). */
export const DEFAULT_MAX_CHUNK_BYTES = 1_000_000;

function jsonBytes(value: unknown): number {
  return value === undefined ? 4 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
}

function fieldSegments(prefix: readonly string[], object: Record<string, unknown>, out: GenerationSegment[]): void {
  for (const [field, value] of Object.entries(object)) {
    const path = [...prefix, field];
    out.push(Array.isArray(value) ? { kind: 'items', path, items: value as unknown[] } : { kind: 'value', path, value });
  }
}

/** Every part of the input, in a fixed walk order: the same input gives the same segments. */
function segmentsOf(input: AccessModelInput): GenerationSegment[] {
  const out: GenerationSegment[] = [];
  for (const [top, value] of Object.entries(input) as [string, unknown][]) {
    if (value instanceof Map) {
      out.push({ kind: 'map', path: [top] });
      for (const [key, entry] of value as Map<unknown, unknown>) {
        if (typeof key !== 'string' || !isPlainObject(entry)) throw new Error(`${top}: a generation holds maps of string → object only`);
        out.push({ kind: 'entry', path: [top, key] });
        fieldSegments([top, key], entry, out);
      }
    } else if (Array.isArray(value)) out.push({ kind: 'items', path: [top], items: value as unknown[] });
    else if (isPlainObject(value)) {
      out.push({ kind: 'value', path: [top], value: {} });
      fieldSegments([top], value, out);
    } else out.push({ kind: 'value', path: [top], value });
  }
  return out;
}

/** The input cut into chunks of at most `maxBytes` of JSON each (an item larger than that gets a chunk of its own). */
export function splitGeneration(input: AccessModelInput, maxBytes = DEFAULT_MAX_CHUNK_BYTES): GenerationChunk[] {
  const SEGMENT_OVERHEAD = 48;
  const chunks: GenerationSegment[][] = [];
  let current: GenerationSegment[] = [];
  let size = 0;
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
    size = 0;
  };
  for (const segment of segmentsOf(input)) {
    const head = jsonBytes(segment.path) + SEGMENT_OVERHEAD;
    if (segment.kind !== 'items') {
      const bytes = head + (segment.kind === 'value' ? jsonBytes(segment.value) : 0);
      if (size > 0 && size + bytes > maxBytes) flush();
      current.push(segment);
      size += bytes;
      continue;
    }
    if (size > 0 && size + head > maxBytes) flush();
    size += head;
    let items: unknown[] = [];
    for (const item of segment.items) {
      const bytes = jsonBytes(item) + 1;
      if (size + bytes > maxBytes && size > head) {
        // This chunk is full: close the segment here and continue the same array in the next chunk.
        current.push({ kind: 'items', path: segment.path, items });
        flush();
        items = [];
        size = head;
      }
      items.push(item);
      size += bytes;
    }
    current.push({ kind: 'items', path: segment.path, items });
  }
  flush();
  return chunks.length === 0 ? [[]] : chunks;
}

/** A short digest of the chunks' content: chunk ids carry it, so a rewrite with other content never overwrites a chunk a reader may be reading. */
export function generationDigest(chunks: readonly GenerationChunk[]): string {
  return sha256Hex(JSON.stringify(chunks), 16);
}

/** The chunks (in index order) joined back into the input they were cut from. */
export function joinGeneration(chunks: readonly GenerationChunk[]): AccessModelInput {
  const root: Record<string, unknown> = {};
  const parentOf = (path: readonly string[]): Record<string, unknown> => {
    let node: unknown = root;
    for (const step of path.slice(0, -1)) {
      const parent = node;
      node = parent instanceof Map ? parent.get(step) : (parent as Record<string, unknown>)[step];
      if (node === undefined && isPlainObject(parent)) node = parent[step] = {};
    }
    if (!isPlainObject(node)) throw new Error(`generation chunk: no object at ${path.slice(0, -1).join('.')}`);
    return node;
  };
  for (const chunk of chunks) {
    for (const segment of chunk) {
      switch (segment.kind) {
        case 'map':
          root[segment.path[0]] = new Map<string, unknown>();
          break;
        case 'entry': {
          const map = root[segment.path[0]];
          if (!(map instanceof Map)) throw new Error(`generation chunk: entry ${segment.path[1]} before its map ${segment.path[0]}`);
          map.set(segment.path[1], {});
          break;
        }
        case 'value':
          // A copy: joining the same chunks twice (in memory) must not share, and then grow, one object.
          parentOf(segment.path)[segment.path[segment.path.length - 1] as string] = structuredClone(segment.value);
          break;
        case 'items': {
          const parent = parentOf(segment.path);
          const key = segment.path[segment.path.length - 1] as string;
          const existing = parent[key];
          if (Array.isArray(existing)) existing.push(...segment.items);
          else parent[key] = [...segment.items];
          break;
        }
      }
    }
  }
  return root as unknown as AccessModelInput;
}
