import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../CollectorError.ts';
import { userKubeconfig, type ManagedClusterCredentials } from './credentials.ts';

const ID = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod';

function client(answer: () => Promise<{ kubeconfigs?: { name?: string; value?: Uint8Array }[] }>, calls: string[][] = []): ManagedClusterCredentials {
  return {
    managedClusters: {
      listClusterUserCredentials: (rg, name) => {
        calls.push([rg, name]);
        return answer();
      },
    },
  };
}

/** What the Azure SDK throws for an HTTP failure. */
function restError(statusCode: number, message: string, headers: Record<string, string> = {}): RestError {
  return new RestError(message, { statusCode, response: { headers: createHttpHeaders(headers), status: statusCode, request: createPipelineRequest({ url: 'https://x' }) } });
}

const instant = (waits: number[]) => ({
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 30_000,
  sleep: (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  },
});

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CollectorError);
    return error as CollectorError;
  }
  throw new Error('expected a CollectorError');
}

describe('userKubeconfig (ARM listClusterUserCredential)', () => {
  it('returns the first kubeconfig, decoded, asking for the cluster of the id', async () => {
    const calls: string[][] = [];
    const yaml = 'apiVersion: v1\nkind: Config\n';
    expect(await userKubeconfig(client(() => Promise.resolve({ kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(yaml) }] }), calls), ID)).toBe(yaml);
    expect(calls).toEqual([['rg-aks', 'aks-prod']]);
  });

  it('403 → denied naming the ARM action', async () => {
    const error = await failure(userKubeconfig(client(() => Promise.reject(restError(403, 'does not have authorization to perform action'))), ID));
    expect(error.kind).toBe('denied');
    expect(error.permission).toBe('Microsoft.ContainerService/managedClusters/listClusterUserCredential/action');
    expect(error.message).toMatch(/grant the indexer's identity Microsoft\.ContainerService\/managedClusters\/listClusterUserCredential\/action on the cluster/);
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = () => (++calls === 1 ? Promise.reject(restError(429, 'throttled', { 'retry-after': '4' })) : Promise.resolve({ kubeconfigs: [{ value: Buffer.from('ok') }] }));
    expect(await userKubeconfig(client(answer), ID, instant(waits))).toBe('ok');
    expect(waits).toEqual([4000]);
  });

  it('5xx that outlast the retries → transient; 404 → invalid; no kubeconfig → invalid', async () => {
    const waits: number[] = [];
    const busy = await failure(userKubeconfig(client(() => Promise.reject(restError(503, 'busy'))), ID, instant(waits)));
    expect([busy.kind, busy.status]).toEqual(['transient', 503]);
    expect(busy.message).toMatch(/after 3 attempt\(s\)/);
    expect(waits).toEqual([100, 200]);
    expect((await failure(userKubeconfig(client(() => Promise.reject(restError(404, 'not found'))), ID))).kind).toBe('invalid');
    expect((await failure(userKubeconfig(client(() => Promise.resolve({ kubeconfigs: [] })), ID))).message).toMatch(/returned no kubeconfig/);
    expect((await failure(userKubeconfig(client(() => Promise.resolve({})), '/subscriptions/x'))).message).toMatch(/not a managedClusters resource id/);
  });
});
