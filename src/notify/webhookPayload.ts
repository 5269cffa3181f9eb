import type { ChatView } from '../api/rest/render/ChatView.ts';
import { renderSlack } from '../api/rest/render/renderSlack.ts';
import { renderTeams } from '../api/rest/render/renderTeams.ts';

export type WebhookKind = 'teams' | 'slack';

/**
 * The body an incoming webhook takes: Slack's is the Block Kit message itself; a Teams workflow ("when a
 * Teams webhook request is received") or connector takes a message whose attachment is the Adaptive Card.
 */
export function webhookPayload(kind: WebhookKind, view: ChatView): Record<string, unknown> {
  if (kind === 'slack') return renderSlack(view);
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: renderTeams(view) }] };
}
