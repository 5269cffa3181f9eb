import type { ChatView } from './ChatView.ts';
import { escapeMarkdown } from './renderMarkdown.ts';

type Element = Readonly<Record<string, unknown>>;

/**
 * A Teams Adaptive Card (schema 1.5): the card itself, which a bot sends as an attachment of content type
 * `application/vnd.microsoft.card.adaptive`. TextBlocks take Teams' Markdown subset (bold, italics, lists).
 */
export function renderTeams(view: ChatView): Record<string, unknown> {
  const body: Element[] = [{ type: 'TextBlock', text: escapeMarkdown(view.title), weight: 'Bolder', size: 'Medium', wrap: true }];
  if (view.summary !== undefined) body.push({ type: 'TextBlock', text: escapeMarkdown(view.summary), wrap: true });
  for (const section of view.sections) {
    body.push({ type: 'TextBlock', text: escapeMarkdown(section.heading), weight: 'Bolder', wrap: true, spacing: 'Medium', separator: true });
    const facts = section.facts ?? [];
    if (facts.length > 0) body.push({ type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value })) });
    if (section.items.length > 0 || section.more > 0) {
      const lines = section.items.map((item) => `- **${escapeMarkdown(item.title)}** — ${escapeMarkdown(item.detail)}`);
      if (section.more > 0) lines.push(`- _+${section.more} more_`);
      body.push({ type: 'TextBlock', text: lines.join('\n'), wrap: true });
    }
  }
  for (const note of view.notes) body.push({ type: 'TextBlock', text: escapeMarkdown(note), wrap: true, isSubtle: true, size: 'Small' });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(view.link === undefined ? {} : { actions: [{ type: 'Action.OpenUrl', title: view.link.label, url: view.link.url }] }),
  };
}
