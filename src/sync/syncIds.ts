/*
 * Run and generation ids sort by the time they were made (then by the unique part), so "newer" is a string
 * comparison in documents and queries, and an id says when it was made.
 */

function compactTime(ms: number): string {
  // 2025-01-31T12:00:00.000Z → 20250131T120000000Z: sortable, and safe in Cosmos ids (no '/', '\\', '?', '#').
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

export function newRunId(nowMs: number, unique: string): string {
  return `run-${compactTime(nowMs)}-${unique}`;
}

export function newGenerationId(nowMs: number, unique: string): string {
  return `gen-${compactTime(nowMs)}-${unique}`;
}
