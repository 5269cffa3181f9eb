import type { Container, CosmosClient } from '@azure/cosmos';
import { DATABASE_ID, REPORTS_CONTAINER } from '../store/containers.ts';
import type { ComplianceReport, ReportSummary } from './ComplianceReport.ts';
import type { ReportStore } from './ReportStore.ts';

/*
 * Reports in the `reports` container (containers.ts). A report can hold thousands of findings — more than one
 * 2 MB document — so its JSON is cut into chunks in its own partition (`report:<id>`), and its summary goes to
 * the `summary` partition last: a summary exists only for a complete report, and the trend of the last N runs
 * is one single-partition query that never reads a report body.
 */

const SUMMARY_PARTITION = 'summary';
/** Characters of report JSON per chunk: stored as a JSON string its quotes get escaped, so stay well under 2 MB. */
const CHUNK_CHARS = 600_000;
/** How long a report is kept: 400 days covers a yearly audit with a month to spare. */
export const REPORT_RETENTION_SECONDS = 400 * 24 * 3600;

const QUERY = {
  summaries: 'SELECT TOP @limit c.summary, c.chunks FROM c WHERE c.pk = @pk AND c.type = @type ORDER BY c.generatedAt DESC',
  chunks: 'SELECT c["index"], c.chunks, c.text FROM c WHERE c.pk = @pk AND c.type = @type',
  extraChunks: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.type = @type AND c["index"] >= @chunks',
} as const;

interface SummaryDocument {
  readonly id: string;
  readonly pk: typeof SUMMARY_PARTITION;
  readonly type: 'reportSummary';
  readonly generatedAt: string;
  readonly chunks: number;
  readonly summary: ReportSummary;
  readonly ttl: number;
}

interface ChunkDocument {
  readonly id: string;
  readonly pk: string;
  readonly type: 'reportChunk';
  readonly reportId: string;
  readonly index: number;
  readonly chunks: number;
  readonly text: string;
  readonly ttl: number;
}

export interface CosmosReportStoreOptions {
  readonly databaseId?: string;
  /** Per-document ttl in seconds (default REPORT_RETENTION_SECONDS). */
  readonly retentionSeconds?: number;
}

const reportPartition = (id: string) => `report:${id}`;

export class CosmosReportStore implements ReportStore {
  private readonly container: Container;
  private readonly ttl: number;

  constructor(client: CosmosClient, options: CosmosReportStoreOptions = {}) {
    this.container = client.database(options.databaseId ?? DATABASE_ID).container(REPORTS_CONTAINER.id);
    this.ttl = options.retentionSeconds ?? REPORT_RETENTION_SECONDS;
  }

  async writeReport(report: ComplianceReport): Promise<void> {
    const json = JSON.stringify(report);
    const chunks = Math.max(1, Math.ceil(json.length / CHUNK_CHARS));
    const pk = reportPartition(report.id);
    const documents: ChunkDocument[] = [];
    for (let index = 0; index < chunks; index++) {
      documents.push({ id: `chunk-${index}`, pk, type: 'reportChunk', reportId: report.id, index, chunks, text: json.slice(index * CHUNK_CHARS, (index + 1) * CHUNK_CHARS), ttl: this.ttl });
    }
    await Promise.all(documents.map((d) => this.container.items.upsert(d)));
    const summary: SummaryDocument = { id: report.id, pk: SUMMARY_PARTITION, type: 'reportSummary', generatedAt: report.generatedAt, chunks, summary: report.summary, ttl: this.ttl };
    await this.container.items.upsert(summary);
    // The same report written again with fewer chunks: its old tail would otherwise be read back as part of it.
    const { resources: extra } = await this.container.items
      .query<{ id: string }>(
        {
          query: QUERY.extraChunks,
          parameters: [
            { name: '@pk', value: pk },
            { name: '@type', value: 'reportChunk' },
            { name: '@chunks', value: chunks },
          ],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    await Promise.all(extra.map((d) => this.container.item(d.id, pk).delete()));
  }

  async listSummaries(limit: number): Promise<ReportSummary[]> {
    if (limit <= 0) return [];
    const { resources } = await this.container.items
      .query<Pick<SummaryDocument, 'summary'>>(
        {
          query: QUERY.summaries,
          parameters: [
            { name: '@limit', value: Math.floor(limit) },
            { name: '@pk', value: SUMMARY_PARTITION },
            { name: '@type', value: 'reportSummary' },
          ],
        },
        { partitionKey: SUMMARY_PARTITION },
      )
      .fetchAll();
    return resources.map((r) => r.summary);
  }

  async readLatest(): Promise<ComplianceReport | undefined> {
    const [latest] = await this.listSummaries(1);
    return latest === undefined ? undefined : this.readReport(latest.id);
  }

  async readReport(id: string): Promise<ComplianceReport | undefined> {
    const pk = reportPartition(id);
    const { resources } = await this.container.items
      .query<Pick<ChunkDocument, 'index' | 'chunks' | 'text'>>(
        {
          query: QUERY.chunks,
          parameters: [
            { name: '@pk', value: pk },
            { name: '@type', value: 'reportChunk' },
          ],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    const ordered = [...resources].sort((a, b) => a.index - b.index);
    const count = ordered[0]?.chunks ?? 0;
    const parts = ordered.filter((r) => r.index < count);
    // A report is complete when chunk 0's count of chunks is all there (a write in progress may not be).
    if (count === 0 || parts.length !== count || parts.some((r, i) => r.index !== i || r.chunks !== count)) return undefined;
    return JSON.parse(parts.map((r) => r.text).join('')) as ComplianceReport;
  }
}
