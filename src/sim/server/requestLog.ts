import type { SimService } from './faults.ts';

/** Every request the simulated tenant served, so tests can assert what was (and was never) asked. */
export interface LoggedRequest {
  readonly service: SimService;
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly authorization: string | undefined;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
