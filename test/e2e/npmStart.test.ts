/**
 * `npm start` end to end, as a newcomer runs it: spawn it on a free port, wait for readiness, ask who can read
 * secrets in namespace payments on aks-prod-weu through GraphQL and REST (subjects from both planes, with their
 * paths), ask the same through the CLI's --api, then Ctrl-C (SIGINT to its process group, as a terminal sends
 * it) and check that everything stops cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

let child: ChildProcess;
let stdout = '';
let stderr = '';
let base = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

async function waitForReady(deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`npm start not ready in time.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(NODE, ['bin/aks-access.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 }, (error, out, err) => {
      if (error === null) resolve({ code: 0, stdout: out, stderr: err });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout: out, stderr: err });
      else reject(new Error(`aks-access ${args.join(' ')}: ${error.message}`));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  // Its own process group (detached): SIGINT to the group is what Ctrl-C in a terminal does to npm and node alike.
  child = spawn('npm', ['start', '--', '--port', String(port), '--interval', '0'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => { resolve({ code, signal }); }));
  await waitForReady(Date.now() + 40_000);
}, 45_000);

afterAll(() => {
  // Only if a test failed before the SIGINT test: never leave the server running.
  if (child.exitCode === null && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

interface GraphqlPath {
  plane: string;
  explanation: string;
}

describe('npm start', () => {
  it('syncs with a progress display, then says where it serves and what to try', () => {
    expect(stdout).toMatch(/\[12\/12\] ✓ k8s-rbac\|cluster:\S+ — \d+ objects/);
    expect(stdout).toMatch(/: 12 units ok, 0 failed, /);
    expect(stdout).toContain(`Serving ${base} — local mode: no token needed, listening on 127.0.0.1 only`);
    expect(stdout).toContain(`${base}/api/graphql`);
    expect(stdout).toMatch(/1\. Who can read secrets in namespace payments on aks-prod-weu\?/);
    expect(stdout).toContain(`npm run cli -- who-can get secrets -n payments --cluster aks-prod-weu --api ${base}`);
  });

  it('every REST question it suggests answers (findings, report, changes included)', async () => {
    const urls = [...stdout.matchAll(/curl -s '(http:\/\/[^']+\/api\/v1\/[^']+)'/g)].map((m) => m[1] ?? '');
    expect(urls.some((u) => u.includes('/api/v1/findings?'))).toBe(true);
    expect(urls.some((u) => u.includes('/api/v1/report?'))).toBe(true);
    expect(urls.some((u) => /\/api\/v1\/changes\?since=\S+&capability=cluster-admin/.test(u))).toBe(true);
    for (const url of urls) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect((await response.text()).length, url).toBeGreaterThan(0);
    }
  });

  it('GraphQL: who can read secrets in payments on aks-prod-weu — subjects from both planes, each with its paths', async () => {
    const query = `{ whoCan(request: {verb: "get", resource: "secrets", namespace: "payments"}, clusters: ["aks-prod-weu"]) {
      cluster { name } subjects(first: 100) { totalCount edges { node { kind name via { plane explanation } } } } } }`;
    const response = await fetch(`${base}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { whoCan: { cluster: { name: string }; subjects: { totalCount: number; edges: { node: { kind: string; name: string; via: GraphqlPath[] } }[] } }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const [prod] = body.data?.whoCan ?? [];
    expect(prod?.cluster.name).toBe('aks-prod-weu');
    const subjects = prod?.subjects.edges.map((e) => e.node) ?? [];
    expect(subjects).toHaveLength(prod?.subjects.totalCount ?? -1);
    const bob = subjects.find((s) => s.name === 'bob@contoso.com');
    expect(bob?.via[0]).toMatchObject({ plane: 'azure', explanation: expect.stringMatching(/Azure Kubernetes Service RBAC Writer.*secrets\/read/) as unknown });
    const devs = subjects.find((s) => s.kind === 'Group' && s.via.some((p) => /RoleBinding payments\/payments-devs-edit → ClusterRole edit/.test(p.explanation)));
    expect(devs?.via.some((p) => p.plane === 'kubernetes')).toBe(true);
  });

  it('REST: the same question as JSON (paths in the CLI\'s field names) and as a chat message', async () => {
    const response = await fetch(`${base}/api/v1/who-can?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const body = (await response.json()) as { clusters: { cluster: string; subjects: { name: string; via: Record<string, unknown>[] }[] }[] };
    const [prod] = body.clusters;
    expect(prod?.cluster).toBe('aks-prod-weu');
    const bob = prod?.subjects.find((s) => s.name === 'bob@contoso.com');
    expect(bob?.via[0]).toMatchObject({ plane: 'azure', kind: 'dataAction', roleName: 'Azure Kubernetes Service RBAC Writer', dataAction: 'Microsoft.ContainerService/managedClusters/secrets/read' });
    const kubernetes = prod?.subjects.flatMap((s) => s.via).find((p) => p.plane === 'kubernetes' && p.kind === 'rbac');
    expect(kubernetes).toMatchObject({ binding: { kind: expect.any(String) as unknown, name: expect.any(String) as unknown }, role: { kind: expect.any(String) as unknown }, ruleIndex: expect.any(Number) as unknown });
    // GraphQL and REST answer from the same index: the same subjects.
    const markdown = await (await fetch(`${base}/api/v1/who-can?verb=get&resource=secrets&namespace=payments&cluster=aks-prod-weu`, { headers: { accept: 'text/markdown' } })).text();
    expect(markdown).toMatch(new RegExp(`^### Who can get secrets in namespace payments on aks-prod-weu\\?\\n\\n${prod?.subjects.length ?? 0} subjects`));
    const bad = await fetch(`${base}/api/v1/who-can?verb=get&resource=secrets&namepsace=payments`);
    expect(bad.status).toBe(400);
  });

  it('local mode is loopback only: not reachable on another address of this machine, nor through another Host name', async () => {
    const address = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
    if (address !== undefined) await expect(fetch(`http://${address}:${new URL(base).port}/api/v1/clusters`)).rejects.toThrow();
    const misdirected = await new Promise<number>((resolve, reject) => {
      import('node:http')
        .then(({ request }) => {
          const req = request({ host: '127.0.0.1', port: Number(new URL(base).port), path: '/api/v1/clusters', headers: { host: 'rebound.example' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        })
        .catch(reject);
    });
    expect(misdirected).toBe(421);
  });

  it('the CLI --api asks it and prints as offline: who-can table, can-i exit codes, rules JSON', async () => {
    const who = await cli(['who-can', 'get', 'secrets', '-n', 'payments', '--cluster', 'aks-prod-weu', '--api', base]);
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(/^Who can get secrets in namespace payments on cluster aks-prod-weu: \d+ subject\(s\)\nKIND +SUBJECT +ENTRA TYPE +VIA\n/);
    expect(who.stdout).toMatch(/bob@contoso\.com \(Bob Jones\) +User +\[azure aks-prod-weu\] "Azure Kubernetes Service RBAC Writer"/);
    expect(who.stdout).toMatch(/\[k8s aks-prod-weu\] RoleBinding payments\/payments-devs-edit → ClusterRole edit/);
    const grace = await cli(['can-i', 'get', 'secrets', '-n', 'payments', '--cluster', 'aks-prod-weu', '--as-principal', 'grace@contoso.com', '--api', base]);
    expect(grace.code).toBe(1);
    expect(grace.stdout).toMatch(/^conditional\n/);
    const sa = await cli(['can-i', 'get', 'secrets', '-n', 'payments', '--cluster', 'aks-prod-weu', '--as', 'system:serviceaccount:kube-system:namespace-controller', '--api', base, '-q']);
    expect(sa.code).toBe(0);
    const rules = await cli(['rules', '--principal', 'alice@contoso.com', '-n', 'payments', '--cluster', 'aks-prod-weu', '--api', base, '-o', 'json']);
    expect(rules.code).toBe(0);
    const answer = JSON.parse(rules.stdout) as { clusters: { cluster: string; kubernetes: { via: { binding: { name: string } } }[] }[] };
    expect(answer.clusters[0]?.kubernetes.some((r) => r.via.binding.name === 'payments-devs-edit')).toBe(true);
    const unknown = await cli(['who-can', 'get', 'secrets', '--cluster', 'aks-nope', '--api', base]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: the API answered 404 UNKNOWN_CLUSTER: unknown cluster "aks-nope"/);
  });

  it('Ctrl-C (SIGINT) stops the server, the simulated tenant and Cosmos DB, and everything exits', async () => {
    const group = child.pid ?? 0;
    process.kill(-group, 'SIGINT');
    const end = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => { resolve('timeout'); }, 10_000))]);
    // npm ends as a shell would on Ctrl-C (by the signal, or 0); node's own clean shutdown is what it printed.
    expect(end === 'timeout' ? end : end.code === 0 || end.signal === 'SIGINT').toBe(true);
    await expect.poll(() => stdout, { timeout: 5_000 }).toMatch(/SIGINT: stopping…\nstopped\.\n$/);
    expect(stderr).not.toMatch(/error/i);
    // No process of the group is left (node included), and nothing listens any more.
    await expect.poll(() => {
      try {
        process.kill(-group, 0);
        return 'running';
      } catch {
        return 'gone';
      }
    }, { timeout: 5_000 }).toBe('gone');
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
  });
});
