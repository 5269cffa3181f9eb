/**
 * The HTML report as a browser shows it: rendered in headless Chromium (Debian's `chromium`, driven by
 * playwright-core through executablePath — no browser download), screenshotted, and checked in ways that fail
 * when the page is broken: no console error (a CSP violation is one), no request besides the page itself, three
 * charts with real size, nothing wider than the viewport, and a screenshot whose pixels — decoded by the browser
 * from the PNG file — are not blank and carry the severity colours of the bars.
 * The screenshots are kept in test/screenshots/ (gitignored) for a human to look at. Contoso's real findings check
 * the layout at scale: nothing wider than the page.
 * Without a Chromium binary (CHROMIUM_PATH, /usr/bin/chromium, …) the test is skipped, saying so.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { buildReport } from '../../src/reports/buildReport.ts';
import { renderHtml } from '../../src/reports/render/renderHtml.ts';
import { SEVERITY_COLORS } from '../../src/reports/render/svgCharts.ts';
import { REPORT_INPUT, REPORT_NOW } from '../helpers/reportFixtures.ts';
import { contosoGenerationsWithFindings } from '../helpers/contosoFindings.ts';
import { startLocalHost } from '../../src/dev/localHost.ts';
import { createRestHandler } from '../../src/api/rest/createRestHandler.ts';
import { AccessQueries } from '../../src/api/AccessQueries.ts';
import { createAuthenticate } from '../../src/api/auth/createAuthenticate.ts';
import type { ComplianceReport } from '../../src/reports/ComplianceReport.ts';
import { MemoryIndexStore } from '../helpers/memoryIndexStore.ts';

const OUT = join(import.meta.dirname, '..', 'screenshots');
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => p !== undefined && p !== '');
const executablePath = CANDIDATES.find((p) => existsSync(p));
if (executablePath === undefined) {
  console.warn(`reportScreenshot: SKIPPED — no Chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
}

const VIEWPORT = { width: 1280, height: 900 };

function hex(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

describe.skipIf(executablePath === undefined)('the HTML report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath, headless: true, chromiumSandbox: process.getuid?.() !== 0 });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
  });

  it('renders without errors or requests, with sized charts, and a screenshot that is not blank', async () => {
    mkdirSync(OUT, { recursive: true });
    const htmlFile = join(OUT, 'report.html');
    writeFileSync(htmlFile, renderHtml(buildReport(REPORT_INPUT, REPORT_NOW)));
    const pngFile = join(OUT, 'report.png');

    const page = await browser.newPage({ viewport: VIEWPORT });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));

    const url = pathToFileURL(htmlFile).href;
    await page.goto(url, { waitUntil: 'load' });
    const png = await page.screenshot({ path: pngFile, fullPage: true });

    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests).toEqual([url]);
    // No script ran: the injected subject is text in a cell.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByText('User <script>alert("x")</script>', { exact: false }).count()).toBeGreaterThan(0);

    const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => ({ label: s.getAttribute('aria-label'), ...s.getBoundingClientRect().toJSON() as { width: number; height: number; x: number } })));
    expect(charts.map((c) => c.label)).toEqual(['Open findings by severity', 'Open findings by cluster', 'Open findings over the last 4 runs']);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(80);
      expect(c.x + c.width).toBeLessThanOrEqual(VIEWPORT.width);
    }
    const bars = await page.$$eval('svg.chart-severity rect.bar', (rects) => rects.map((r) => r.getBoundingClientRect().height));
    expect(bars.filter((h) => h > 0)).toHaveLength(3); // critical 2, high 3, medium 1; low 0
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);

    // The PNG decoded by the browser itself (no PNG library in the tree): size, and what its pixels hold.
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(VIEWPORT.width);
    expect(height).toBeGreaterThan(VIEWPORT.height / 2);
    const decoder = await browser.newPage();
    const stats = await decoder.evaluate(
      async ({ dataUrl, colors }) => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d');
        if (ctx === null) throw new Error('no 2d context');
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const distinct = new Set<number>();
        const near = colors.map(() => 0);
        let sum = 0;
        let sumSq = 0;
        const pixels = data.length / 4;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
          distinct.add((r << 16) | (g << 8) | b);
          const l = 0.299 * r + 0.587 * g + 0.114 * b;
          sum += l;
          sumSq += l * l;
          colors.forEach(([cr, cg, cb], k) => {
            if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 12) near[k] = (near[k] ?? 0) + 1;
          });
        }
        const mean = sum / pixels;
        return { width: canvas.width, height: canvas.height, distinct: distinct.size, variance: sumSq / pixels - mean * mean, near };
      },
      { dataUrl: `data:image/png;base64,${png.toString('base64')}`, colors: (['critical', 'high', 'medium', 'low'] as const).map((s) => hex(SEVERITY_COLORS[s])) },
    );
    await decoder.close();
    expect(stats.width).toBe(width);
    expect(stats.height).toBe(height);
    expect(stats.distinct).toBeGreaterThan(200);
    expect(stats.variance).toBeGreaterThan(100);
    // Each severity colour covers a visible area (bars, badges, legend); low only in legends and cards: still > 0.
    for (const n of stats.near) expect(n).toBeGreaterThan(100);
    await page.close();
  }, 60_000);

  it('as GET /api/v1/report?format=html serves it (its CSP header applied): styled, charts drawn, no violation, no other request', async () => {
    const stored = buildReport(REPORT_INPUT, REPORT_NOW);
    const reports = { readLatest: () => Promise.resolve<ComplianceReport | undefined>(stored), readReport: () => Promise.resolve(undefined), listSummaries: () => Promise.resolve([stored.summary]) };
    const rest = createRestHandler({ queries: new AccessQueries(new MemoryIndexStore()), authenticate: createAuthenticate({ localMode: true }), reports });
    const host = await startLocalHost({ port: 0, rest, graphql: () => new Response(null, { status: 404 }), health: () => ({ ready: true }) });
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('request', (r) => requests.push(r.url()));
      const url = `${host.url}/api/v1/report?format=html`;
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      // The inline stylesheet applied under the header's CSP: cards are white boxes, badges coloured.
      expect(await page.$eval('.card', (e) => getComputedStyle(e).backgroundColor)).toBe('rgb(255, 255, 255)');
      expect(await page.$eval('.sev-critical', (e) => getComputedStyle(e).backgroundColor)).toBe('rgb(142, 27, 27)');
      const sizes = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
      expect(sizes).toHaveLength(3);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);

  it("contoso's report (hundreds of findings, long ARM ids and commands) stays within the page width, one row per finding", async () => {
    const generations = await contosoGenerationsWithFindings();
    const findings = generations.flatMap((g) => g.findings?.findings ?? []);
    expect(findings.length).toBeGreaterThan(100);
    const clusters = generations.map((g) => ({ clusterId: g.clusterId, name: g.input.clusters[0]?.name ?? g.clusterId, stale: false, staleReasons: [] }));
    const file = join(OUT, 'contoso.html');
    writeFileSync(file, renderHtml(buildReport({ findings, clusters }, REPORT_NOW)));
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
    expect(await page.locator('table.findings tbody tr').count()).toBe(findings.length);
    const clusterBars = await page.$$eval('svg.chart-clusters rect.bar', (rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(clusterBars.length).toBeGreaterThan(0);
    expect(clusterBars.every((w) => w > 0)).toBe(true);
    await page.screenshot({ path: join(OUT, 'contoso.png') });
    await page.close();
  }, 60_000);
});
