/** Heap and RSS measurement for the phases (each phase runs in its own process, so peaks are its own). */

const MIB = 2 ** 20;

export const toMiB = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;

/** `global.gc`, present because every phase runs with --expose-gc; measuring without it would be noise. */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  return gc;
}

/** Heap in use after a full collection (twice: weak references and finalizers settle on the second). */
export function settledHeapUsed(): number {
  const gc = requireGc();
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The kernel's peak resident set size of this process, in bytes (getrusage ru_maxrss). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Samples RSS every `intervalMs` while asynchronous work runs (collectors wait on I/O, so the timer fires), to
 * show how memory moves over a run; `peakRssBytes()` stays the authoritative peak.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private maxRss = 0;
  readonly samples: { atMs: number; rssMiB: number }[] = [];
  private readonly started = performance.now();

  start(intervalMs = 250): this {
    this.sample();
    this.timer = setInterval(() => {
      this.sample();
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    this.maxRss = Math.max(this.maxRss, rss);
    this.samples.push({ atMs: Math.round(performance.now() - this.started), rssMiB: toMiB(rss) });
    return rss;
  }

  stop(): { maxSampledRssMiB: number } {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.sample();
    return { maxSampledRssMiB: toMiB(this.maxRss) };
  }
}

/** CPU time (user + system) this process has used, in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
