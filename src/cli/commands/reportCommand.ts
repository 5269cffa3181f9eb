import { writeFile } from 'node:fs/promises';
import { readSuppressionsFile } from '../../config/loadSuppressions.ts';
import { applySuppressions } from '../../engine/findings/suppressions.ts';
import { buildReport } from '../../reports/buildReport.ts';
import type { ComplianceReport } from '../../reports/ComplianceReport.ts';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../reports/render/renderReport.ts';
import { AnswerShapeError } from '../crossPlane/accessPathFromJson.ts';
import { offlineFindings } from '../findings/offlineFindings.ts';
import { isInputPath } from '../inputPath.ts';
import { printWarnings, type CliIo } from '../io.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../parseArgs.ts';
import { API_SCOPE_VARIABLE, getApiJson, type ApiClientOptions } from '../remote/apiClient.ts';
import { UsageError } from '../../present/UsageError.ts';

export const REPORT_USAGE = `aks-access report [--format ${REPORT_FORMATS.join('|')}] [-o FILE] (--azure-files PATH... [--from-files [CLUSTER=]PATH...] [--cluster NAME|ID]... [--include-baseline] [--suppressions FILE] | --api URL [--api-scope SCOPE] [--id REPORT_ID])`;

export interface ReportCommandDeps {
  readonly now?: () => Date;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly client?: Pick<ApiClientOptions, 'credential' | 'fetch'>;
}

/** The stored report an API returned, checked enough to render (a different answer is a clear error, not a crash). */
function reportFromJson(body: unknown): ComplianceReport {
  const r = body as Partial<ComplianceReport> | null;
  if (r === null || typeof r !== 'object' || r.schemaVersion !== 1 || typeof r.summary !== 'object' || !Array.isArray(r.findings) || !Array.isArray(r.trend)) {
    throw new AnswerShapeError('the API answer to /report is not a compliance report (schemaVersion 1 with summary, findings and trend)');
  }
  return r as ComplianceReport;
}

/**
 * `aks-access report`: the compliance report, offline from az exports and manifests (built now, no trend
 * beyond this run), or the latest one a running instance stored (`--api`), in JSON, CSV, Markdown or HTML.
 */
export async function reportCommand(argv: readonly string[], io: CliIo, deps: ReportCommandDeps = {}): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'format', arity: 'single' },
    { name: 'output', aliases: ['o'], arity: 'single' },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'cluster', arity: 'repeat' },
    { name: 'include-baseline', arity: 'boolean' },
    { name: 'suppressions', arity: 'single' },
    { name: 'api', arity: 'single' },
    { name: 'api-scope', arity: 'single' },
    { name: 'id', arity: 'single' },
  ]);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0] ?? ''}"`);
  const format = flagValue(args, 'format') ?? 'json';
  if (!isReportFormat(format)) throw new UsageError(`--format ${format}: must be ${REPORT_FORMATS.join(', ')}`);
  const file = flagValue(args, 'output');
  if (file === '') throw new UsageError('-o needs a file name');

  let report: ComplianceReport;
  if (flagSet(args, 'api')) {
    for (const local of ['from-files', 'azure-files', 'cluster', 'include-baseline', 'suppressions']) {
      if (flagSet(args, local)) throw new UsageError(`--${local} is for an offline report; with --api the running instance's stored report is read (drop one of them)`);
    }
    const scope = flagValue(args, 'api-scope') ?? (deps.env ?? process.env)[API_SCOPE_VARIABLE];
    const options: ApiClientOptions = { baseUrl: flagValue(args, 'api') ?? '', ...(scope === undefined ? {} : { scope }), ...deps.client };
    const id = flagValue(args, 'id');
    report = reportFromJson(await getApiJson(options, '/report', id === undefined ? [] : [['id', id]]));
  } else {
    if (flagSet(args, 'id')) throw new UsageError('--id names a stored report: it needs --api URL');
    const azureFiles = flagValues(args, 'azure-files');
    const fromFiles = flagValues(args, 'from-files');
    if (azureFiles.length === 0 && fromFiles.length === 0) throw new UsageError('report needs --azure-files (az exports) and/or --from-files (manifests), or --api URL');
    const suppressionsFile = flagValue(args, 'suppressions');
    const suppressions = suppressionsFile === undefined ? [] : await readSuppressionsFile(suppressionsFile);
    const now = (deps.now ?? (() => new Date()))();
    const result = await offlineFindings({ azureFiles, fromFiles, clusters: flagValues(args, 'cluster'), includeBaseline: flagSet(args, 'include-baseline') });
    const applied = applySuppressions(result.findings, suppressions, now.getTime());
    // Offline there is no sync: every cluster read from the files is as fresh as the files.
    const clusters = (result.clusters ?? []).map((c) => ({ clusterId: c.id, name: c.name, stale: false, staleReasons: [] }));
    report = buildReport({ findings: applied.findings, suppressed: applied.suppressed, expiredSuppressions: applied.expired, clusters, warnings: [...result.warnings, ...applied.warnings] }, now);
  }

  const text = renderReport(report, format);
  printWarnings(io, report.warnings);
  if (file === undefined) {
    io.out(text);
  } else {
    await writeFile(file, text);
    io.err(`wrote ${file}: ${report.summary.findings} open findings on ${report.summary.clusters} clusters (${format})\n`);
  }
  return 0;
}
