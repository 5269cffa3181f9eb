/** Where a command writes; the CLI entry passes process streams, tests pass buffers. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Aligns rows into space-separated columns (the last column is not padded). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const w of new Set(warnings)) io.err(`Warning: ${w}\n`);
}
