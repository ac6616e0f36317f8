// The ARM client against a scripted HTTPS port and a fake clock: paging, throttling bounded by the
// Clock, 5xx retries, long-running operations, validation, and where it refuses to follow links.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArmClient } from '../../../../electron/core/azure/arm-client.js';
import { describeFailure } from '../../../../electron/core/errors.js';
import type { HttpsRequest, HttpsResponse } from '../../../../electron/core/ports.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';

const ENDPOINT = 'https://management.example';
type Script = (request: HttpsRequest) => HttpsResponse;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpsResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});

function client(script: Script, clock = new FakeClock()) {
  const seen: HttpsRequest[] = [];
  const arm = new ArmClient({
    http: { request: async (request) => (seen.push(request), script(request)) },
    clock,
    endpoint: ENDPOINT,
    token: async () => 'the-token',
  });
  return { arm, seen, clock };
}

const item = z.object({ name: z.string() });

describe('ArmClient', () => {
  it('follows nextLink across pages and sends the bearer token on each', async () => {
    const { arm, seen } = client((request) =>
      request.url.includes('page=2')
        ? json(200, { value: [{ name: 'c' }] })
        : json(200, {
            value: [{ name: 'a' }, { name: 'b' }, { bad: 1 }],
            nextLink: `${ENDPOINT}/things?page=2`,
          }),
    );
    const { items, skipped } = await arm.list('/things?api-version=1', item);
    expect(items.map((i) => i.name)).toEqual(['a', 'b', 'c']);
    expect(skipped).toBe(1);
    expect(seen.map((r) => r.headers?.authorization)).toEqual(['Bearer the-token', 'Bearer the-token']);
  });

  it('never sends the token to a nextLink on another host', async () => {
    const { arm, seen } = client(() => json(200, { value: [], nextLink: 'https://evil.example/things' }));
    await expect(arm.list('/things', item)).rejects.toThrow('another host (evil.example)');
    expect(seen).toHaveLength(1);
  });

  it('waits out a 429 for its Retry-After on the clock, then gets the answer', async () => {
    let calls = 0;
    const { arm, clock } = client(() =>
      ++calls === 1
        ? json(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '7' })
        : json(200, { name: 'x' }),
    );
    const answer = arm.get('/thing', item);
    await clock.advance(6_999);
    expect(calls).toBe(1);
    await clock.advance(1);
    await expect(answer).resolves.toEqual({ name: 'x' });
    expect(calls).toBe(2);
  });

  it('a Retry-After beyond the bound fails at once, saying how long Azure asks to wait', async () => {
    const { arm, seen } = client(() => json(429, {}, { 'retry-after': '600' }));
    const error = await arm.get('/thing', item).catch((e: unknown) => e);
    expect(describeFailure(error)).toMatchObject({ code: 'throttled', details: { retryAfterSec: 600 } });
    expect(describeFailure(error).message).toContain('it asks to wait 600 s');
    expect(seen).toHaveLength(1);
  });

  it('retries a 5xx a bounded number of times, then names the status and ARM code', async () => {
    const { arm, seen, clock } = client(() =>
      json(503, { error: { code: 'ServiceUnavailable', message: 'busy\ntrace' } }),
    );
    const answer = arm.get('/subscriptions/s/thing', item).catch((e: unknown) => e);
    await clock.advance(10_000);
    const failure = describeFailure(await answer);
    expect(seen).toHaveLength(4);
    expect(failure).toMatchObject({
      code: 'azure-unavailable',
      category: 'unreachable',
      details: { armCode: 'ServiceUnavailable' },
    });
    expect(failure.message).toBe('Azure answered HTTP 503 for s/thing: busy');
  });

  it('403 is an access problem with what to ask for; 404 is not-found', async () => {
    const denied = client(() => json(403, { error: { code: 'AuthorizationFailed', message: 'no' } }));
    expect(describeFailure(await denied.arm.get('/x/y', item).catch((e: unknown) => e))).toMatchObject({
      code: 'azure-access',
      category: 'config',
    });
    const missing = client(() => json(404, {}));
    expect(describeFailure(await missing.arm.get('/x/y', item).catch((e: unknown) => e)).category).toBe(
      'not-found',
    );
  });

  it('an answer of the wrong shape names the field', async () => {
    const { arm } = client(() => json(200, { name: 42 }));
    await expect(arm.get('/thing', item)).rejects.toThrow(
      "Azure's answer for /thing is not what pgentra expects: name:",
    );
  });

  it('polls Azure-AsyncOperation until Succeeded, on ARM’s host only', async () => {
    let polls = 0;
    const { arm, seen, clock } = client((request) => {
      if (request.method === 'PUT')
        return json(
          202,
          {},
          {
            'azure-asyncoperation': `${ENDPOINT}/ops/1`,
            location: `${ENDPOINT}/results/1`,
            'retry-after': '1',
          },
        );
      return json(200, { status: ++polls < 3 ? 'InProgress' : 'Succeeded' });
    });
    const done = arm.change('PUT', '/rules/r', { properties: {} });
    for (let i = 0; i < 5; i++) await clock.advance(1_000);
    await expect(done).resolves.toBeUndefined();
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      `PUT ${ENDPOINT}/rules/r`,
      `GET ${ENDPOINT}/ops/1`,
      `GET ${ENDPOINT}/ops/1`,
      `GET ${ENDPOINT}/ops/1`,
    ]);
    expect(seen[0]?.body).toBe('{"properties":{}}');
  });

  it('a failed operation says why; an operation URL on another host is not followed', async () => {
    const failed = client((request) =>
      request.method === 'DELETE'
        ? json(202, {}, { 'azure-asyncoperation': `${ENDPOINT}/ops/2`, 'retry-after': '0' })
        : json(200, { status: 'Failed', error: { code: 'Conflict', message: 'server is busy' } }),
    );
    const done = failed.arm.change('DELETE', '/rules/r').catch((e: unknown) => e);
    await failed.clock.advance(0);
    expect(describeFailure(await done).message).toBe('Azure could not remove rules/r: server is busy');

    const elsewhere = client(() =>
      json(202, {}, { location: 'https://evil.example/op', 'retry-after': '0' }),
    );
    const followed = elsewhere.arm.change('PUT', '/rules/r', {}).catch((e: unknown) => e);
    await elsewhere.clock.advance(0);
    expect(describeFailure(await followed).message).toContain('another host (evil.example)');
    expect(elsewhere.seen).toHaveLength(1);
  });

  it('polls Location until it stops answering 202', async () => {
    let polls = 0;
    const { arm, clock } = client((request) =>
      request.method === 'PUT'
        ? json(202, {}, { location: `${ENDPOINT}/results/3`, 'retry-after': '0' })
        : json(++polls < 2 ? 202 : 200, {}),
    );
    const done = arm.change('PUT', '/rules/r', {});
    // The 202 poll names no Retry-After: pgentra waits 2 s before asking again.
    for (let i = 0; i < 3; i++) await clock.advance(2_000);
    await expect(done).resolves.toBeUndefined();
    expect(polls).toBe(2);
  });
});
