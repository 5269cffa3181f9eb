import { generate } from 'selfsigned';

export interface SimCertificate {
  readonly key: string;
  readonly cert: string;
  /** PEM the clients trust (the certificate is its own CA). */
  readonly ca: string;
}

/**
 * A certificate for 127.0.0.1/localhost, made at start: the Azure SDKs refuse bearer tokens over plain HTTP,
 * and every client trusts this one through its own options, never by turning verification off.
 */
export async function createSimCertificate(): Promise<SimCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'aks-access-sim' }], {
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
