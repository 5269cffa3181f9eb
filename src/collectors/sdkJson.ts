import type { Json } from '../normalize/jsonFields.ts';

/**
 * An Azure SDK model as the plain JSON src/normalize reads: Dates become ISO 8601 strings (`toISOString`, so
 * `2020-09-10T00:32:36.86Z` comes back as `2020-09-10T00:32:36.860Z`) and undefined fields disappear.
 */
export function sdkJson(model: object): Json {
  return JSON.parse(JSON.stringify(model)) as Json;
}

/** How an item names itself in an `invalid` error: its ARM id, else its name, else its position. */
export function itemLabel(kind: string, item: { readonly id?: string | undefined; readonly name?: string | undefined }, index: number): string {
  return `${kind} ${item.id ?? item.name ?? `#${index} (no id)`}`;
}
