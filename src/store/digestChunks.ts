import type { AccessDigest, DigestPrincipal } from '../engine/changes/accessDigest.ts';

/*
 * Pure: an access digest ↔ documents no larger than a byte budget (Cosmos DB documents are limited to 2 MB; a
 * large cluster's digest can be bigger). The first chunk carries the header (cluster id and name) and every
 * chunk a run of principals and rule sets, in order; joining the chunks in index order gives back the digest.
 */

export interface DigestChunk {
  readonly principals: readonly DigestPrincipal[];
  readonly rules: readonly (readonly [string, readonly string[]])[];
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;

export function splitDigest(digest: AccessDigest, maxBytes: number): DigestChunk[] {
  const chunks: { principals: DigestPrincipal[]; rules: (readonly [string, readonly string[]])[] }[] = [];
  let current = { principals: [] as DigestPrincipal[], rules: [] as (readonly [string, readonly string[]])[] };
  let size = 0;
  const add = (item: { principal: DigestPrincipal } | { rule: readonly [string, readonly string[]] }) => {
    const n = bytes('principal' in item ? item.principal : item.rule);
    // An item larger than the budget gets a chunk of its own (and fails loudly at the store if it is over 2 MB).
    if (size > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = { principals: [], rules: [] };
      size = 0;
    }
    if ('principal' in item) current.principals.push(item.principal);
    else current.rules.push(item.rule);
    size += n;
  };
  for (const rule of Object.entries(digest.rules)) add({ rule });
  for (const principal of digest.principals) add({ principal });
  chunks.push(current);
  return chunks;
}

export function joinDigest(header: Pick<AccessDigest, 'version' | 'clusterId' | 'clusterName'>, chunks: readonly DigestChunk[]): AccessDigest {
  return {
    version: header.version,
    clusterId: header.clusterId,
    clusterName: header.clusterName,
    principals: chunks.flatMap((c) => c.principals),
    rules: Object.fromEntries(chunks.flatMap((c) => c.rules)),
  };
}
