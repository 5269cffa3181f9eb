import { ManifestError } from '../manifests/ManifestError.ts';
import { SuppressionError } from '../engine/findings/suppressions.ts';
import { UsageError } from '../present/UsageError.ts';
import { ApiCallError } from './remote/apiClient.ts';
import { AnswerShapeError } from './crossPlane/accessPathFromJson.ts';
import type { CliIo } from './io.ts';
import { whoCanCommand, WHO_CAN_USAGE } from './commands/whoCanCommand.ts';
import { canICommand, CAN_I_USAGE } from './commands/canICommand.ts';
import { rulesCommand, RULES_USAGE } from './commands/rulesCommand.ts';
import { findingsCommand, FINDINGS_USAGE } from './commands/findingsCommand.ts';
import { reportCommand, REPORT_USAGE } from './commands/reportCommand.ts';

export const USAGE = `aks-access: who can do what in Kubernetes and AKS clusters, and why.

Usage:
  ${WHO_CAN_USAGE}
  ${CAN_I_USAGE}
  ${RULES_USAGE}
  ${FINDINGS_USAGE}
  ${REPORT_USAGE}

Manifests: files or directories (searched recursively for .yaml, .yml, .json) holding Roles, ClusterRoles,
RoleBindings and ClusterRoleBindings, as single objects, multi-document YAML or List objects, exactly as
'kubectl get clusterroles,roles,clusterrolebindings,rolebindings -A -o yaml' writes them.

Against a running instance (npm start, or the Functions app): --api URL asks its REST API instead of reading
files — no token for http://localhost, else an Entra token from DefaultAzureCredential (az login) for
--api-scope api://<API client id>/.default (or AKS_ACCESS_API_SCOPE).

Exit codes: 0 success (can-i: yes), 1 can-i: no, 2 error (bad arguments, unreadable or malformed input).
`;

const COMMANDS: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  'who-can': whoCanCommand,
  'can-i': canICommand,
  rules: rulesCommand,
  findings: findingsCommand,
  report: (argv, io) => reportCommand(argv, io),
};

/** Runs one CLI invocation and returns its exit code; never throws for bad input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    io.err(`error: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\nRun 'aks-access --help' for usage.\n`);
      return 2;
    }
    if (error instanceof ApiCallError || error instanceof AnswerShapeError) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ManifestError || error instanceof SuppressionError) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    // Anything else is our fault, not the user's: say so and keep the stack for the bug report.
    io.err(`internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
