import { describe, expect, it } from 'vitest';
import { buildReport } from '../buildReport.ts';
import { REPORT_INPUT, REPORT_NOW, scriptSubject } from '../../../test/helpers/reportFixtures.ts';
import { renderHtml } from './renderHtml.ts';
import { clusterBarChart, escapeXml, niceMax, severityBarChart, trendLineChart } from './svgCharts.ts';

describe('renderHtml', () => {
  const html = renderHtml(buildReport(REPORT_INPUT, REPORT_NOW));

  it('escapes a finding whose subject holds markup: no <script> element reaches the page', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('User &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (Mallory, &quot;the&quot; intern\nsecond line)');
  });

  it('escapes markup in every place data is written: cluster names in charts and tables, suppression text, warnings', () => {
    const hostileName = '<img src=x onerror=alert(1)>';
    const hostile = buildReport(
      {
        findings: [{ ...scriptSubject, clusterName: hostileName }],
        suppressed: [{ finding: scriptSubject, suppression: { entry: 'x entry 1', owner: '<b>owner</b>', reason: '"><svg onload=alert(1)>', expires: '2027-01-01' } }],
        clusters: [{ clusterId: scriptSubject.clusterId, name: hostileName, stale: true, staleReasons: ['<iframe src=//evil>'] }],
        warnings: ['<style>body{display:none}</style>'],
      },
      REPORT_NOW,
    );
    const page = renderHtml(hostile);
    for (const tag of ['<img', '<svg onload', '<iframe', '<b>', '<style>body']) expect(page).not.toContain(tag);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('is self-contained: no script, no external URL, a CSP that forbids fetching anything', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
    // The only URLs are the SVG namespace and data in text (the fixture's evil.example lives in escaped text).
    const attributes = [...html.matchAll(/\b(src|href|xlink:href|action)\s*=/gi)];
    expect(attributes).toEqual([]);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed/i);
  });

  it('holds the three charts with the counts they draw', () => {
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('aria-label="Open findings by severity"');
    expect(html).toContain('aria-label="Open findings by cluster"');
    expect(html).toContain('aria-label="Open findings over the last 4 runs"');
    expect(html).toContain('<title>critical: 2</title>');
    expect(html).toContain('<title>aks-prod-weu high: 2</title>');
    expect(html).toContain('<title>2026-11-25T06:00:00.000Z total: 11</title>');
  });
});

describe('SVG charts', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [11, 20],
    [20, 20],
    [230, 250],
    [251, 500],
    [22, 50],
    [24, 50],
  ])('niceMax(%d) = %d', (value, expected) => {
    expect(niceMax(value)).toBe(expected);
  });

  it('scales bars to the largest value: the tallest bar fills the plot, an empty severity has height 0', () => {
    const svg = severityBarChart({ critical: 5, high: 10, medium: 0, low: 1 });
    const heights = [...svg.matchAll(/<rect class="bar" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(4);
    expect(heights[1]).toBe(176);
    expect(heights[0]).toBe(88);
    expect(heights[2]).toBe(0);
  });

  it('labels the value axis with whole counts only: 0 and 5 for a maximum of 5, 0, 5 and 10 for 10', () => {
    const ticks = (svg: string) => [...svg.matchAll(/text-anchor="end" fill="#868e96">([^<]+)</g)].map((m) => m[1]);
    expect(ticks(severityBarChart({ critical: 5, high: 3, medium: 0, low: 0 }))).toEqual(['0', '5']);
    expect(ticks(severityBarChart({ critical: 7, high: 3, medium: 0, low: 0 }))).toEqual(['0', '5', '10']);
  });

  it('stacks a cluster bar by severity and shows a clean cluster with 0 and no coloured segment', () => {
    const svg = clusterBarChart([
      { clusterId: 'a', name: 'a', total: 3, bySeverity: { critical: 1, high: 2, medium: 0, low: 0 } },
      { clusterId: 'b', name: 'b', total: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 } },
    ]);
    expect(svg.match(/class="bar"/g)).toHaveLength(2);
    expect(svg).toContain('<title>a critical: 1</title>');
    expect(svg).not.toContain('<title>b ');
  });

  it('draws one line per series for several runs, and points only for one run', () => {
    const point = (at: string, total: number) => ({ at, total, bySeverity: { critical: total, high: 0, medium: 0, low: 0 } });
    expect(trendLineChart([point('2026-01-01', 1), point('2026-01-02', 3)]).match(/<polyline/g)).toHaveLength(5);
    const single = trendLineChart([point('2026-01-01', 1)]);
    expect(single).not.toContain('<polyline');
    expect(single.match(/<circle/g)).toHaveLength(5);
  });

  it('escapes XML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
