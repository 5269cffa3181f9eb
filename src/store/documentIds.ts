import { createHash } from 'node:crypto';

/*
 * Cosmos DB ids may not contain '/', '\\', '?' or '#' and are limited in length; ARM ids contain '/'. A document
 * id is `<type>|<natural key>` when the key is short and plain, else `<type>|sha256:<32 hex>` of the key (the
 * natural key stays readable in the document's data). Deterministic: the same object gets the same id in every
 * run, which is what makes a re-written snapshot an overwrite rather than a copy.
 */

// Letters, digits and . _ : | ~ - only: nothing a URL path or Cosmos treats specially ('+', '%', '=' included).
const PLAIN_KEY = /^[A-Za-z0-9._:|~-]{1,200}$/;

export function sha256Hex(text: string, length = 32): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A document id from a type and a natural key (compared as given; callers lower-case case-insensitive keys). */
export function documentId(type: string, key: string): string {
  return `${type}|${PLAIN_KEY.test(key) ? key : `sha256:${sha256Hex(key)}`}`;
}

/** A value safe to embed in an id (`gen-20250131T120000000Z-…` stays as it is). */
export function idPart(value: string): string {
  return PLAIN_KEY.test(value) ? value : `sha256:${sha256Hex(value)}`;
}
