import type { Json } from '../normalize/jsonFields.ts';

/**
 * An instant as ISO 8601 UTC with only the fraction digits it needs: `2026-09-01T00:00:00Z`,
 * `2020-09-10T00:32:36.86Z` — the forms ARM sends. The SDKs hand us Dates (millisecond precision), and
 * `toISOString()` would turn every one into `…00.000Z`, so that a window read from ARM no longer equals the
 * same window written in a scenario or printed by the az CLI.
 */
export function isoInstant(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return isoInstant(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, plain(v)]])));
  }
  return value;
}

/**
 * An Azure SDK model as the plain JSON src/normalize reads: Dates become ISO 8601 strings (see isoInstant)
 * and undefined fields disappear.
 */
export function sdkJson(model: object): Json {
  return plain(model) as Json;
}

/** How an item names itself in an `invalid` error: its ARM id, else its name, else its position. */
export function itemLabel(kind: string, item: { readonly id?: string | undefined; readonly name?: string | undefined }, index: number): string {
  return `${kind} ${item.id ?? item.name ?? `#${index} (no id)`}`;
}
