/** Bad input the user can fix: says which file, which object and what is wrong. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}
