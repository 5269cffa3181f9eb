import type { ChatView } from './ChatView.ts';

/** Backslash-escapes what Markdown would otherwise read as emphasis, code, links or HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** CommonMark (GitHub, Teams, Mattermost and most bots render it): a heading, bullets, and the link to the full answer. */
export function renderMarkdown(view: ChatView): string {
  const lines = [`### ${escapeMarkdown(view.title)}`];
  if (view.summary !== undefined) lines.push('', escapeMarkdown(view.summary));
  for (const section of view.sections) {
    lines.push('', `**${escapeMarkdown(section.heading)}**`);
    for (const [label, value] of section.facts ?? []) lines.push(`- ${escapeMarkdown(label)}: ${escapeMarkdown(value)}`);
    if ((section.facts ?? []).length > 0 && section.items.length > 0) lines.push('');
    for (const item of section.items) lines.push(`- **${escapeMarkdown(item.title)}** — ${escapeMarkdown(item.detail)}`);
    if (section.more > 0) lines.push(`- _+${section.more} more_`);
  }
  for (const note of view.notes) lines.push('', `> ${escapeMarkdown(note)}`);
  if (view.link !== undefined) lines.push('', `[${escapeMarkdown(view.link.label)}](${view.link.url})`);
  return `${lines.join('\n')}\n`;
}
