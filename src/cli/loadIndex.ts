import { readManifestFiles } from '../manifests/readManifestFiles.ts';
import { buildRbacPolicy, compileRbacIndex, type CompiledRbacIndex } from '../engine/k8s/index.ts';
import { UsageError } from '../present/UsageError.ts';

export interface LoadedIndex {
  readonly index: CompiledRbacIndex;
  /** Problems found while reading and resolving (skipped kinds, duplicates, aggregation oddities). */
  readonly warnings: readonly string[];
}

export async function loadIndex(paths: readonly string[]): Promise<LoadedIndex> {
  if (paths.length === 0) throw new UsageError('--from-files PATH... is required (files or directories of RBAC manifests, YAML or JSON)');
  const objects = await readManifestFiles(paths);
  const policy = buildRbacPolicy(objects);
  if (objects.roles.length + objects.bindings.length === 0) {
    throw new UsageError(`no Role, ClusterRole, RoleBinding or ClusterRoleBinding found in ${objects.files.join(', ')}`);
  }
  return { index: compileRbacIndex(policy), warnings: [...objects.warnings, ...policy.warnings] };
}
