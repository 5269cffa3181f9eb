import { parseSuppressions, SuppressionError, type ParsedSuppression } from '../engine/findings/suppressions.ts';

/** AKS_ACCESS_SUPPRESSIONS: a file of suppressions (YAML or JSON, read when findings are asked for), or the list inline as JSON. */
export type SuppressionsSetting = { readonly file: string } | { readonly inline: readonly ParsedSuppression[] };

export const SUPPRESSIONS_VARIABLE = 'AKS_ACCESS_SUPPRESSIONS';

/**
 * A value starting with `[` or `{` is the suppressions themselves (JSON), checked now so a bad entry stops the
 * app with the entry named; anything else is a file path, read (and checked) when findings are asked for.
 */
export function suppressionsSetting(value: string | undefined, problems: string[]): SuppressionsSetting | undefined {
  if (value === undefined) return undefined;
  if (!value.startsWith('[') && !value.startsWith('{')) return { file: value };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    problems.push(`${SUPPRESSIONS_VARIABLE} starts like inline JSON but does not parse (${error instanceof Error ? error.message : String(error)}): give a JSON list of {match, owner, reason, expires}, or a file path`);
    return undefined;
  }
  try {
    return { inline: parseSuppressions(parsed, SUPPRESSIONS_VARIABLE) };
  } catch (error) {
    if (!(error instanceof SuppressionError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}
