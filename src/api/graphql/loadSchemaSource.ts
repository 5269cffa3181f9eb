import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The SDL files of schema/, in name order. The folder sits at the repository root: three levels up from this
 * file when run as TypeScript, four from its compiled copy in dist/src/api/graphql.
 */
export function loadSchemaSource(): string[] {
  const candidates = ['../../../schema/', '../../../../schema/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const dir = candidates.find((d) => existsSync(d));
  if (dir === undefined) throw new Error(`GraphQL schema folder not found (looked in ${candidates.join(', ')})`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  if (files.length === 0) throw new Error(`no .graphql files in ${dir}`);
  return files.map((f) => readFileSync(join(dir, f), 'utf8'));
}
