import type { ReportSources } from '../reports/reportHandler.ts';
import type { AccessQueries } from './AccessQueries.ts';
import { QueryError } from './QueryError.ts';

/**
 * What a compliance report reads, from the query layer: findings with the suppressed ones listed. An index with
 * no cluster yet still gets a report (zero findings, and the failing units that explain why).
 */
export function reportSources(queries: AccessQueries): ReportSources {
  return {
    clusters: () => queries.clusters(),
    indexStatus: () => queries.indexStatus(),
    findings: async () => {
      try {
        return await queries.findings({ includeSuppressed: true });
      } catch (error) {
        if (error instanceof QueryError && error.code === 'NOT_INDEXED') return { findings: [], warnings: [error.message] };
        throw error;
      }
    },
  };
}
