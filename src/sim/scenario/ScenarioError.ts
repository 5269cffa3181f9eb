/** A scenario file the user can fix: names the file, the line, the path in the document and what is wrong. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly source: string;
  /** Path in the document, e.g. `clusters[2].adminGroups[0]`; "" for the whole file. */
  readonly path: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(source: string, path: string, problem: string, position?: { line: number; column: number }) {
    const at = position === undefined ? source : `${source}:${position.line}:${position.column}`;
    super(path === '' ? `${at}: ${problem}` : `${at}: ${path}: ${problem}`);
    this.source = source;
    this.path = path;
    this.line = position?.line;
    this.column = position?.column;
  }
}
