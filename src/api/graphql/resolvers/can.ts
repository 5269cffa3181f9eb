import type { GraphqlContext } from '../GraphqlContext.ts';
import { parseAccessRequest, type AccessRequestArgs } from '../accessRequestInput.ts';
import { parseIdentity, type IdentityArgs } from '../identityInput.ts';
import { answerFreshness, askedIdentity, pathNode, type AskedIdentityNode, type ClusterNode, type PathNode } from '../present.ts';
import { questionText } from './whoCan.ts';

export interface CanArgs {
  readonly as: IdentityArgs;
  readonly request: AccessRequestArgs;
  readonly cluster: string;
}

export interface CanAnswerNode {
  readonly cluster: ClusterNode;
  readonly stale: boolean;
  readonly staleReasons: readonly string[];
  readonly question: string;
  readonly decision: 'allowed' | 'denied' | 'conditional';
  readonly allowed: boolean;
  readonly reason: string;
  readonly principal: AskedIdentityNode;
  readonly via: readonly PathNode[];
  readonly eligible: readonly PathNode[];
  readonly escalations: readonly PathNode[];
  readonly azureDenials: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

/** Query.can: the AKS decision for one identity and request on one cluster, derived from its paths. */
export async function can(_parent: unknown, args: CanArgs, context: GraphqlContext): Promise<CanAnswerNode> {
  const parsed = parseAccessRequest(args.request, 'can');
  const result = await context.queries.can(parseIdentity(args.as), parsed.request, args.cluster);
  const d = result.answer;
  const nameOf = context.queries.displayName;
  return {
    ...answerFreshness(result),
    question: questionText(parsed.request, false),
    decision: d.allowed === true ? 'allowed' : d.allowed === false ? 'denied' : 'conditional',
    allowed: d.allowed === true,
    reason: d.reason,
    principal: askedIdentity(result.identity),
    via: d.paths.map((p) => pathNode(p, nameOf)),
    eligible: d.eligible.map((p) => pathNode(p, nameOf)),
    escalations: d.escalations.map((p) => pathNode(p, nameOf)),
    azureDenials: d.azureDenials,
    notes: d.notes,
    warnings: [...new Set([...parsed.warnings, ...d.warnings])],
  };
}
