/**
 * Azurite's queue service, from node_modules, for tests of the enqueue path — started the way production is
 * reached: keyless. Azurite accepts Entra (OAuth) tokens only over HTTPS with `--oauth basic`, so it serves
 * HTTPS with a certificate made at start (the clients trust it through their own options) and the tests sign
 * in with TestJwtCredential. No account key or connection string is involved anywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { generate } from 'selfsigned';
import type { SimCertificate } from '../../src/sim/server/simCertificate.ts';

const AZURITE_QUEUE = fileURLToPath(new URL('../../node_modules/azurite/dist/src/queue/main.js', import.meta.url));

export interface AzuriteQueue {
  /** `https://127.0.0.1:<port>/devstoreaccount1`: what AzureWebJobsStorage__queueServiceUri would hold. */
  readonly queueServiceUri: string;
  /** PEM to trust. */
  readonly ca: string;
  /** Where the CA is written, for TLS_CA_FILE. */
  readonly caFile: string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`azurite-queue exited with ${child.exitCode}: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`azurite-queue did not listen on ${port} within ${timeoutMs} ms: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A certificate for 127.0.0.1 with its own subject name: a CA bundle may hold it next to the in-process Cosmos
 * server's (whose subject is the simulator's), and TLS finds an issuer by subject name — two CAs with one name
 * would make one of the servers fail verification.
 */
export async function createTestCertificate(commonName = 'aks-access-test-services'): Promise<SimCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}

/** Starts azurite-queue on a free port with a temporary --location; close() stops it and removes the location. */
export async function startAzuriteQueue(certificate?: SimCertificate): Promise<AzuriteQueue> {
  const cert = certificate ?? (await createTestCertificate());
  const location = await mkdtemp(join(tmpdir(), 'aks-access-azurite-'));
  const certFile = join(location, 'cert.pem');
  const keyFile = join(location, 'key.pem');
  await writeFile(certFile, cert.cert);
  await writeFile(keyFile, cert.key);
  await writeFile(join(location, 'ca.pem'), cert.ca);
  const port = await freePort();
  // The test's own Node (22), not whatever `node` is first on PATH.
  const child = spawn(
    process.execPath,
    [AZURITE_QUEUE, '--disableTelemetry', '--skipApiVersionCheck', '--silent', '--location', join(location, 'data'), '--queueHost', '127.0.0.1', '--queuePort', String(port), '--cert', certFile, '--key', keyFile, '--oauth', 'basic'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(location, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => output, 20_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { queueServiceUri: `https://127.0.0.1:${port}/devstoreaccount1`, ca: cert.ca, caFile: join(location, 'ca.pem'), close };
}

/**
 * A TokenCredential that hands out an unsigned JWT whose audience is the scope asked for: what Azurite's
 * `--oauth basic` checks (issuer, audience, lifetime — not the signature). The simulated ARM, Graph and the
 * in-process Cosmos server accept any bearer token, so this one credential serves a whole composition.
 */
export class TestJwtCredential implements TokenCredential {
  readonly scopes: string[] = [];
  private readonly tenantId: string;

  constructor(tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47') {
    this.tenantId = tenantId;
  }

  getToken(scopes: string | string[]): Promise<AccessToken> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    this.scopes.push(...list);
    const now = Math.floor(Date.now() / 1000);
    const audience = (list[0] ?? '').replace(/\/\.default$/, '');
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ aud: audience, iss: `https://sts.windows.net/${this.tenantId}/`, iat: now - 60, nbf: now - 60, exp: now + 3600, tid: this.tenantId, oid: 'test' })}.`;
    return Promise.resolve({ token, expiresOnTimestamp: (now + 3600) * 1000 });
  }
}
