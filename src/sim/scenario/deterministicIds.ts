import { createHash } from 'node:crypto';

/** Namespace of every scenario id (a fixed, random UUID): ids do not collide with other UUIDv5 users. */
const SCENARIO_NAMESPACE = Buffer.from('5c3b7f0e9a2d4e61b8f4d2a71c6e9035', 'hex');

/**
 * RFC 4122 version-5 UUID (SHA-1 of namespace + name). Scenario files name things; their object ids,
 * subscription ids and assignment ids are derived from those names, so the same file always yields the
 * same ids and a renamed object gets a new one.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(SCENARIO_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(hash);
}

/** Formats the first 16 bytes as 8-4-4-4-12 lower-case hex. */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A short, stable hex tag derived from a name (pod name suffixes, FQDN hashes). */
export function shortHash(name: string, length = 8): string {
  return createHash('sha1').update(name, 'utf8').digest('hex').slice(0, length);
}
