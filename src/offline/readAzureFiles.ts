import { ManifestError } from '../manifests/ManifestError.ts';
import { expandPaths, parseFile } from '../manifests/readManifestFiles.ts';
import { extractAzureObjects, type AzureObjects } from '../normalize/extractAzureObjects.ts';

/**
 * Reads what the Azure CLI prints (`az role assignment list`, `az role definition list`, `az aks list`,
 * `az ad user/sp list`, `az rest` for deny assignments, PIM eligibility and groups with members) from files
 * and directories, recognising each object by its shape.
 */
export async function readAzureFiles(paths: readonly string[]): Promise<AzureObjects & { files: readonly string[] }> {
  const files = await expandPaths(paths);
  if (files.length === 0) throw new ManifestError(`no .json files found in ${paths.join(', ')}`);
  const documents = [];
  for (const file of files) documents.push(...(await parseFile(file)));
  return { ...extractAzureObjects(documents), files };
}
