import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ManifestError } from './ManifestError.ts';
import { extractRbacObjects, type ExtractResult } from './extractRbacObjects.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function expand(path: string, explicit: boolean, out: string[]): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file or directory' : (code ?? String(error))})`);
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path)).sort();
    for (const entry of entries) await expand(join(path, entry), false, out);
  } else if (explicit || MANIFEST_EXTENSIONS.has(extname(path).toLowerCase())) {
    // A file named on the command line is read whatever its extension; in directories only manifests.
    out.push(path);
  }
}

async function parseFile(path: string): Promise<{ value: unknown; source: string }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      return [{ value: JSON.parse(text) as unknown, source: path }];
    } catch (error) {
      throw new ManifestError(`${path}: invalid JSON: ${(error as Error).message}`);
    }
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const docs = Array.isArray(documents) ? documents : [documents];
  return docs.map((doc, i) => {
    const first = doc.errors[0];
    if (first !== undefined) throw new ManifestError(`${path}: document ${i + 1}: invalid YAML: ${first.message}`);
    return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, source: docs.length > 1 ? `${path} document ${i + 1}` : path };
  });
}

/** Reads files and directories (recursively) of YAML (multi-document) and JSON manifests. */
export async function readManifestFiles(paths: readonly string[]): Promise<ExtractResult & { files: readonly string[] }> {
  const files: string[] = [];
  for (const path of paths) await expand(path, true, files);
  if (files.length === 0) throw new ManifestError(`no .yaml, .yml or .json files found in ${paths.join(', ')}`);
  const documents = [];
  for (const file of files) documents.push(...(await parseFile(file)));
  return { ...extractRbacObjects(documents), files };
}
