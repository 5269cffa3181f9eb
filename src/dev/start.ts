/**
 * `npm start`: the whole product on one machine, no Azure account needed. It starts the embedded Cosmos DB
 * server and the simulated tenant of scenarios/contoso.yaml (ARM, Microsoft Graph and one Kubernetes API per
 * cluster, over HTTPS), runs a full sync through the real SDK clients with a progress display, then serves the
 * GraphQL API (GraphiQL) and the REST API at http://localhost:7071 — local mode: no token, loopback only — and
 * re-syncs on a schedule. `--live` indexes the real tenant instead, with the developer's own Azure identity.
 * `--once` syncs, prints the first answers and exits (CI). Ctrl-C stops everything cleanly.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadScenario } from '../sim/scenario/scenarioFile.ts';
import { startSimTenant } from '../sim/startSimTenant.ts';
import { createSimCertificate } from '../sim/server/simCertificate.ts';
import { startEmbeddedCosmos } from './embeddedCosmos.ts';
import { createCosmosClient } from '../store/createCosmosClient.ts';
import { ensureContainers } from '../store/ensureContainers.ts';
import { CosmosIndexStore } from '../store/CosmosIndexStore.ts';
import { CosmosReportStore } from '../reports/CosmosReportStore.ts';
import { runReport } from '../reports/reportHandler.ts';
import { reportSources } from '../api/reportSources.ts';
import { DATABASE_ID } from '../store/containers.ts';
import { runSync, type SyncSummary } from '../sync/runSync.ts';
import { unitCollectors, type CollectUnit } from '../sync/unitCollectors.ts';
import { createAzureRbacClients } from '../collectors/azure-rbac/clients.ts';
import { createAksClustersClients } from '../collectors/aks-clusters/clients.ts';
import { createEntraClients } from '../collectors/entra/clients.ts';
import { AccessQueries } from '../api/AccessQueries.ts';
import { suppressionsSetting, SUPPRESSIONS_VARIABLE } from '../config/suppressionsSetting.ts';
import { suppressionsSource } from '../config/loadSuppressions.ts';
import { createAuthenticate } from '../api/auth/createAuthenticate.ts';
import { createRestHandler } from '../api/rest/createRestHandler.ts';
import { createYoga } from '../api/graphql/createYoga.ts';
import { flagSet, flagValue, flagValues, parseArgs } from '../cli/parseArgs.ts';
import { UsageError } from '../present/UsageError.ts';
import { isInputPath } from '../cli/inputPath.ts';
import { fileTenant } from './fileTenant.ts';
import { syncProgress } from './syncProgress.ts';
import { printAnswers } from './printAnswers.ts';
import { liveTenant } from './liveTenant.ts';
import { startLocalHost, GRAPHQL_PATH, HEALTH_PATH } from './localHost.ts';
import { exampleQuestions } from './exampleQuestions.ts';

const USAGE = `npm start [-- OPTIONS]

  (no options)          sync the simulated Contoso tenant into an embedded Cosmos DB, then serve the API
  --port N              port of http://localhost:N (default 7071; 0 = any free port)
  --scenario FILE       another simulated tenant (format: scenarios/README.md); also: npm start -- FILE
  --azure-files PATH... [--from-files [CLUSTER=]PATH...]
                        index exported files instead (az JSON exports and kubectl manifests, as aks-access
                        findings and who-can read them offline): the API answers for that tenant
  --interval DURATION   re-sync every DURATION (e.g. 90s, 15m, 1h; default 15m; 0 = never)
  --once                sync, print the first answers and exit (exit code 1 if a unit failed)
  --live                index the real tenant with your Azure identity (az login / DefaultAzureCredential)
    --tenant ID           the directory to read (default: the tenant of your signed-in identity)
    --subscription ID...  only these subscriptions (default: every subscription you can read)
    --cluster NAME...     only these clusters (names or ARM ids; default: every cluster found)
  -v, --verbose         a line per unit on every re-sync too (default: failures and a summary)

Local mode: no token is asked for; the server listens on 127.0.0.1 only and answers only Host: localhost.
`;

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

/** The simulated tenant accepts any bearer token; --live uses DefaultAzureCredential instead. */
const simulatedCredential: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 'simulated-tenant-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** `90s`, `15m`, `1h`, or seconds; 0 turns re-syncing off. */
function parseInterval(text: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`--interval ${text}: expected a duration such as 90s, 15m or 1h (0 = never)`);
  const n = Number(match[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const ms = n * unit;
  if (ms !== 0 && ms < 10_000) throw new UsageError(`--interval ${text}: at least 10s (a sync must have time to finish)`);
  return ms;
}

interface StartOptions {
  readonly port: number;
  readonly scenario: string;
  readonly intervalMs: number;
  readonly once: boolean;
  readonly live: boolean;
  readonly tenant: string | undefined;
  readonly subscriptions: readonly string[];
  readonly clusters: readonly string[];
  readonly verbose: boolean;
  /** --azure-files / --from-files: a tenant read from exported files (src/dev/fileTenant.ts). */
  readonly files?: { readonly azure: readonly string[]; readonly manifests: readonly string[] };
}

function readOptions(argv: readonly string[]): StartOptions | undefined {
  const args = parseArgs(argv, [
    { name: 'port', arity: 'single' },
    { name: 'scenario', arity: 'single' },
    { name: 'interval', arity: 'single' },
    { name: 'once', arity: 'boolean' },
    { name: 'live', arity: 'boolean' },
    { name: 'tenant', arity: 'single' },
    { name: 'subscription', aliases: ['subscriptions'], arity: 'many' },
    { name: 'cluster', aliases: ['clusters'], arity: 'many' },
    { name: 'verbose', aliases: ['v'], arity: 'boolean' },
    { name: 'help', aliases: ['h'], arity: 'boolean' },
    { name: 'azure-files', arity: 'many', belongs: isInputPath },
    { name: 'from-files', aliases: ['f', 'from-file'], arity: 'many', belongs: isInputPath },
  ]);
  if (flagSet(args, 'help')) return undefined;
  const port = Number(flagValue(args, 'port') ?? '7071');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${flagValue(args, 'port') ?? ''}: expected a port number (0-65535)`);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1] ?? ''}"`);
  const scenario = flagValue(args, 'scenario') ?? args.positionals[0];
  const live = flagSet(args, 'live');
  if (live && scenario !== undefined) throw new UsageError('--live reads the real tenant: it takes no scenario');
  const azureFiles = flagValues(args, 'azure-files');
  const manifests = flagValues(args, 'from-files');
  const files = azureFiles.length > 0 || manifests.length > 0 ? { azure: azureFiles, manifests } : undefined;
  if (files !== undefined && (live || scenario !== undefined)) throw new UsageError('--azure-files/--from-files index exported files: they take no --live or scenario');
  if (files !== undefined && azureFiles.length === 0) throw new UsageError('--from-files needs --azure-files too: the clusters, their identities and Azure RBAC come from the az exports');
  for (const flag of ['tenant', 'subscription', 'cluster']) {
    if (!live && flagSet(args, flag)) throw new UsageError(`--${flag} chooses what --live indexes; add --live (the simulated tenant is always indexed whole)`);
  }
  return {
    port,
    scenario: scenario ?? fileURLToPath(new URL('../../scenarios/contoso.yaml', import.meta.url)),
    intervalMs: parseInterval(flagValue(args, 'interval') ?? '15m'),
    once: flagSet(args, 'once'),
    live,
    tenant: flagValue(args, 'tenant'),
    subscriptions: flagValues(args, 'subscription'),
    clusters: flagValues(args, 'cluster'),
    verbose: flagSet(args, 'verbose'),
    ...(files === undefined ? {} : { files }),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: StartOptions | undefined;
  try {
    options = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === undefined) {
    out(USAGE);
    return 0;
  }
  // AKS_ACCESS_SUPPRESSIONS as in Azure (a file or inline JSON): the API's findings and the reports apply it.
  const problems: string[] = [];
  const queryOptions = { suppressions: suppressionsSource(suppressionsSetting(process.env[SUPPRESSIONS_VARIABLE], problems)) };
  if (problems.length > 0) {
    err(`error: ${problems.join('\n')}\n`);
    return 2;
  }

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((e: unknown) => err(`while stopping: ${e instanceof Error ? e.message : String(e)}\n`));
  };
  try {
    const certificate = await createSimCertificate();
    let collect: CollectUnit;
    let source: string;
    /** After each sync: what the simulated tenant saw (never a request for Secrets). */
    let tenantNote = () => '';
    if (options.live) {
      const live = await liveTenant({ subscriptions: options.subscriptions, clusters: options.clusters }, options.tenant, process.env);
      collect = live.collect;
      const only = [...(options.subscriptions.length > 0 ? [`subscriptions ${options.subscriptions.join(', ')}`] : []), ...(options.clusters.length > 0 ? [`clusters ${options.clusters.join(', ')}`] : [])];
      source = `Live tenant ${live.tenantId} (DefaultAzureCredential)${only.length > 0 ? `, only ${only.join('; ')}` : ''}`;
    } else if (options.files !== undefined) {
      const tenant = await fileTenant(options.files.azure, options.files.manifests);
      collect = tenant.collect;
      for (const w of tenant.warnings) err(`warning: ${w}\n`);
      source = `Exported files: ${tenant.clusters} cluster(s) from ${[...options.files.azure, ...options.files.manifests].join(', ')}`;
    } else {
      const scenario = await loadScenario(options.scenario);
      const sim = await startSimTenant(scenario, { certificate });
      closers.push(() => sim.close());
      const arm = { endpoint: sim.armUrl, ca: sim.ca };
      collect = unitCollectors({
        tenantId: scenario.tenantId,
        credential: simulatedCredential,
        azureRbac: createAzureRbacClients(simulatedCredential, arm),
        aksClusters: createAksClustersClients(simulatedCredential, arm),
        entra: createEntraClients(simulatedCredential, { baseUrl: sim.graphUrl, ca: sim.ca }),
      });
      tenantNote = () => `; ${sim.log.entries.length} HTTPS requests to the tenant so far, none to a Secrets endpoint: ${sim.log.entries.every((e) => !/secrets/i.test(e.url))}`;
      source = `Simulated tenant ${scenario.tenantId} from ${options.scenario}\n  ARM ${sim.armUrl}   Graph ${sim.graphUrl}   Kubernetes ${sim.k8sUrl}/clusters/…`;
    }
    const cosmos = await startEmbeddedCosmos(certificate);
    closers.push(() => cosmos.close());
    out(`${source}\n  Cosmos DB (embedded, in memory, keyless client) ${cosmos.endpoint}\n\n`);
    const client = createCosmosClient({ endpoint: cosmos.endpoint, credential: simulatedCredential, agent: new Agent({ ca: cosmos.ca }) });
    closers.push(() => {
      client.dispose();
      return Promise.resolve();
    });
    await ensureContainers(client, DATABASE_ID);
    const store = new CosmosIndexStore(client, { databaseId: DATABASE_ID });
    const reports = new CosmosReportStore(client, { databaseId: DATABASE_ID });

    // What the scheduler, the health endpoint and shutdown share.
    const state: { running?: Promise<SyncSummary> } = {};
    let last: SyncSummary | undefined;
    let syncs = 0;
    /** Ready once the first sync is done and the banner is out: a script waiting on /api/health finds both. */
    let announced = false;
    const sync = async (verbose: boolean): Promise<SyncSummary> => {
      const progress = syncProgress(await store.listUnitStatus(), out, { verbose });
      const summary = await runSync({ store, collect, now: Date.now, newId: randomUUID }, progress);
      const failed = summary.units.denied + summary.units.transient + summary.units.invalid;
      const errors = summary.errors.map((e) => `\n  ✗ ${e.unit}: ${e.message}`).join('');
      out(`${verbose ? '\n' : ''}sync ${summary.runId}: ${summary.units.ok} units ok, ${failed} failed, ${summary.objectsWritten} documents written, ${summary.objectsDeleted} removed, ${summary.compiled.length} clusters compiled, ${Math.round(summary.durationMs)} ms${tenantNote()}${errors}\n`);
      last = summary;
      syncs++;
      // A compliance report after every sync (in Azure the report timer writes one a day): GET /api/v1/report serves the latest.
      try {
        await runReport({ sources: reportSources(new AccessQueries(store, queryOptions)), store: reports, now: () => new Date() });
      } catch (error) {
        out(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      return summary;
    };

    if (options.once) {
      out('Sync run (plan units → collect through the real SDK clients → write to Cosmos DB → compile each cluster):\n');
      const summary = await sync(true);
      await printAnswers(store, out);
      const failed = summary.units.denied + summary.units.transient + summary.units.invalid + summary.errors.length;
      return failed > 0 ? 1 : 0;
    }

    // Bind before the first sync: a port already in use fails in a second, not after a sync.
    const queries = new AccessQueries(store, queryOptions);
    const authenticate = createAuthenticate({ localMode: true });
    // A line per request with -v; errors always (each with its request id).
    const verbose = options.verbose;
    const rest = createRestHandler({
      queries,
      authenticate,
      reports,
      log: (line) => {
        if (verbose || / error: /.test(line)) err(`rest ${line}\n`);
      },
    });
    const yoga = createYoga({
      queries,
      reports,
      authenticate,
      graphiql: true,
      log: (line) => {
        if (verbose || line.level === 'error') err(`graphql ${JSON.stringify(line)}\n`);
      },
    });
    const startedAt = new Date().toISOString();
    const host = await startLocalHost({
      port: options.port,
      rest,
      graphql: (request, context) => yoga.fetch(request, context),
      health: () => ({
        ready: announced,
        status: announced ? 'ok' : 'first sync in progress',
        startedAt,
        syncs,
        ...(last === undefined ? {} : { lastSync: { runId: last.runId, finishedAt: last.finishedAt, units: last.units, compiled: last.compiled.length } }),
      }),
      log: (line) => err(`${line}\n`),
    });
    closers.push(() => host.close());

    out(`Sync run (plan units → collect through the real SDK clients → write to Cosmos DB → compile each cluster):\n`);
    await sync(true);

    out(`\nServing ${host.url} — local mode: no token needed, listening on 127.0.0.1 only\n`);
    out(`  GraphQL (GraphiQL in a browser)  ${host.url}${GRAPHQL_PATH}\n`);
    out(`  REST for chat bots               ${host.url}/api/v1/…   (OpenAPI: ${host.url}/api/v1/openapi.json)\n`);
    out(`  Readiness                        ${host.url}${HEALTH_PATH}\n`);
    out(options.intervalMs === 0 ? '  Re-sync: off (--interval 0)\n' : `  Re-sync: every ${Math.round(options.intervalMs / 1000)} s (--interval)\n`);
    out(`\n${await exampleQuestions(store, queries, host.url)}\nCtrl-C stops.\n`);
    announced = true;

    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (options.intervalMs === 0) return;
      timer = setTimeout(() => {
        out(`\n${new Date().toISOString()} re-sync\n`);
        state.running = sync(options.verbose);
        state.running
          .catch((e: unknown) => {
            err(`re-sync failed: ${e instanceof Error ? e.message : String(e)}\n`);
          })
          .finally(() => {
            delete state.running;
            schedule();
          });
      }, options.intervalMs);
    };
    schedule();

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        out(`\n${signal}: stopping…\n`);
        resolve();
      };
      process.once('SIGINT', () => {
        stop('SIGINT');
      });
      process.once('SIGTERM', () => {
        stop('SIGTERM');
      });
    });
    clearTimeout(timer);
    // A second Ctrl-C while a re-sync drains ends the process at once.
    process.once('SIGINT', () => process.exit(130));
    if (state.running !== undefined) {
      out('waiting for the running sync to finish (Ctrl-C again to stop now)…\n');
      await state.running.catch(() => undefined);
    }
    return 0;
  } finally {
    await closeAll();
    if (!options.once) out('stopped.\n');
  }
}

process.exitCode = await main(process.argv.slice(2));
