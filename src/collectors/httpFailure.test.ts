import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { CollectorError } from './CollectorError.ts';
import { HttpStatusError, httpFailureOf, parseRetryAfter, retryDecisionOf, toCollectorError } from './httpFailure.ts';

const request = createPipelineRequest({ url: 'https://management.azure.com/subscriptions' });

function restError(status: number, body: unknown, headers: Record<string, string> = {}): RestError {
  return new RestError('Pagination failed with unexpected statusCode', {
    statusCode: status,
    request,
    response: { status, headers: createHttpHeaders(headers), request, bodyAsText: JSON.stringify(body) },
  });
}

const context = { unit: 'azure-rbac sub:s1', what: 'role assignments of /subscriptions/s1', permission: 'Microsoft.Authorization/roleAssignments/read on /subscriptions/s1', attempts: 4 };

describe('parseRetryAfter', () => {
  it.each([
    ['10', 10],
    ['2.128', 2.128],
    ['0', 0],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s', (value, seconds) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(seconds);
  });
});

describe('httpFailureOf', () => {
  it('a RestError: the service code and message from the body, Retry-After and request id from the headers', () => {
    const failure = httpFailureOf(restError(429, { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } }, { 'retry-after': '7', 'x-ms-request-id': 'req-1' }));
    expect(failure).toEqual({ status: 429, code: 'SubscriptionRequestsThrottled', message: 'slow down', retryAfterSeconds: 7, requestId: 'req-1', timedOut: false });
  });

  it('timeouts and reset connections are transient; other errors are not HTTP failures', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(httpFailureOf(abort)).toMatchObject({ timedOut: true });
    expect(httpFailureOf(new RestError('socket hang up', { code: 'ECONNRESET' }))).toMatchObject({ timedOut: true });
    expect(httpFailureOf(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('retryDecisionOf', () => {
  it('retries 429 (with its Retry-After), 5xx, 408 and timeouts; not 4xx', () => {
    expect(retryDecisionOf(new HttpStatusError(429, 'x', { retryAfterSeconds: 2.5 }))).toEqual({ retry: true, retryAfterSeconds: 2.5 });
    expect(retryDecisionOf(restError(503, {}))).toEqual({ retry: true });
    expect(retryDecisionOf(new HttpStatusError(408, 'x'))).toEqual({ retry: true });
    expect(retryDecisionOf(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toEqual({ retry: true });
    for (const status of [400, 401, 403, 404]) expect(retryDecisionOf(new HttpStatusError(status, 'x'))).toEqual({ retry: false });
  });
});

describe('toCollectorError', () => {
  it('403 → denied with the permission; 401 → denied, saying the credential was refused', () => {
    const denied = toCollectorError(restError(403, { error: { code: 'AuthorizationFailed', message: 'no' } }), context) as CollectorError;
    expect(denied).toMatchObject({ kind: 'denied', permission: context.permission, status: 403, unit: context.unit });
    expect(denied.message).toBe(`${context.unit}: cannot read ${context.what}: needs ${context.permission} (403 AuthorizationFailed: no)`);
    expect((toCollectorError(new HttpStatusError(401, 'bad token'), context) as CollectorError).message).toContain('the credential was not accepted');
    const graph = toCollectorError(new HttpStatusError(403, 'denied'), { ...context, permission: 'User.Read.All', permissionLabel: 'the Microsoft Graph application permission User.Read.All' }) as CollectorError;
    expect(graph.permission).toBe('User.Read.All');
    expect(graph.message).toContain('needs the Microsoft Graph application permission User.Read.All');
  });

  it('429/5xx/timeouts → transient with the attempt count; other 4xx → invalid; anything else unchanged', () => {
    expect(toCollectorError(new HttpStatusError(500, 'boom'), context)).toMatchObject({ kind: 'transient', status: 500, message: expect.stringContaining('after 4 attempts: 500: boom') as unknown });
    expect(toCollectorError(new HttpStatusError(404, 'gone', { code: 'SubscriptionNotFound' }), context)).toMatchObject({ kind: 'invalid', status: 404 });
    const bug = new TypeError('x');
    expect(toCollectorError(bug, context)).toBe(bug);
    const already = new CollectorError('invalid', 'u', 'm');
    expect(toCollectorError(already, context)).toBe(already);
  });
});
