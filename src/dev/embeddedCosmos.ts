import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { SimCertificate } from '../sim/server/simCertificate.ts';

export interface EmbeddedCosmos {
  /** `https://127.0.0.1:<port>/`. */
  readonly endpoint: string;
  /** PEM the Cosmos client must trust (through its own https.Agent). */
  readonly ca: string;
  close(): Promise<void>;
}

/**
 * The in-process Cosmos DB server (@vercel/cosmosdb-server: the Cosmos wire protocol, in memory, empty at
 * start) on an ephemeral port, serving HTTPS with the given certificate. Local runs and tests only; pointing
 * COSMOS_ENDPOINT at a real account needs no code change.
 */
export async function startEmbeddedCosmos(certificate: SimCertificate, onRequest?: (req: IncomingMessage) => void): Promise<EmbeddedCosmos> {
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert });
  if (onRequest !== undefined) server.on('request', onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    ca: certificate.ca,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      }),
  };
}
