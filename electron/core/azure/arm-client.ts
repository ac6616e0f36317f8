// Azure Resource Manager over the HttpsFetch port: a bearer token asked for per request (MSAL
// answers from its cache), paging by nextLink, throttling (429 with Retry-After, waited out on the
// Clock port up to a bound), a few retries of 5xx, long-running operations (Azure-AsyncOperation,
// else Location) and answers validated with zod. Failures become PgentraErrors that say what ARM
// said and what to do.
import { z } from 'zod';
import { PgentraError } from '../errors.js';
import type { Clock, HttpsFetch, HttpsResponse } from '../ports.js';
import { parseRetryAfterMs } from '../refresh-policy.js';

export interface ArmClientDeps {
  http: HttpsFetch;
  clock: Clock;
  /** e.g. https://management.azure.com */
  endpoint: string;
  token: () => Promise<string>;
  /** Longest Retry-After waited out; a longer one fails with the time to try again. */
  maxWaitMs?: number;
  /** Attempts per request (the first included) for 429 and 5xx answers. */
  attempts?: number;
  /** Polls of a long-running operation before giving up. */
  maxPolls?: number;
}

export class ArmError extends PgentraError {
  override readonly name = 'ArmError';
  constructor(
    code: 'azure-access' | 'azure-unavailable' | 'azure-not-found' | 'throttled',
    message: string,
    readonly status: number,
    armCode?: string,
    retryAfterSec?: number,
  ) {
    super(code, message, {
      ...(armCode ? { armCode } : {}),
      ...(retryAfterSec === undefined ? {} : { retryAfterSec }),
    });
  }
}

const armErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }).partial() });
const pageSchema = z.object({ value: z.array(z.unknown()), nextLink: z.string().nullish() });
const asyncStatusSchema = z.object({
  status: z.string(),
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).nullish(),
});

/** What ARM said about a failed request, as far as its body says it. */
function armProblem(response: HttpsResponse): { code?: string; message?: string } {
  try {
    const parsed = armErrorBody.safeParse(JSON.parse(response.body));
    return parsed.success ? parsed.data.error : {};
  } catch {
    return {};
  }
}

export class ArmClient {
  constructor(private readonly deps: ArmClientDeps) {}

  /** One resource, validated. */
  async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.parse(path, await this.send('GET', this.url(path)), schema);
  }

  /** Every item of a list, across its pages; an item that does not match `schema` is left out. */
  async list<T>(path: string, schema: z.ZodType<T>): Promise<{ items: T[]; skipped: number }> {
    const items: T[] = [];
    let skipped = 0;
    let next: string | undefined = this.url(path);
    for (let page = 0; next && page < 100; page++) {
      const body: z.infer<typeof pageSchema> = this.parse(path, await this.send('GET', next), pageSchema);
      for (const raw of body.value) {
        const item = schema.safeParse(raw);
        if (item.success) items.push(item.data);
        else skipped++;
      }
      next = body.nextLink ?? undefined;
      // A nextLink is followed with the same token only on the same endpoint.
      if (next && new URL(next).origin !== new URL(this.deps.endpoint).origin)
        throw new ArmError(
          'azure-unavailable',
          `Azure sent a next page on another host (${new URL(next).host})`,
          0,
        );
    }
    return { items, skipped };
  }

  /** PUT or DELETE, waiting for a long-running operation to finish. */
  async change(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
    const response = await this.send(
      method,
      this.url(path),
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (response.status !== 201 && response.status !== 202) return;
    const asyncUrl = response.headers['azure-asyncoperation'];
    const locationUrl = response.headers.location;
    if (!asyncUrl && !locationUrl) return;
    let delay = response.headers['retry-after'];
    for (let poll = 0; poll < (this.deps.maxPolls ?? 60); poll++) {
      await this.sleep(Math.min(parseRetryAfterMs(delay, this.deps.clock.now()) ?? 2_000, 10_000));
      const answer = await this.send('GET', this.checked(asyncUrl ?? locationUrl ?? ''));
      delay = answer.headers['retry-after'];
      if (asyncUrl) {
        const state = this.parse(path, answer, asyncStatusSchema);
        if (/^succeeded$/i.test(state.status)) return;
        if (/^(failed|canceled|cancelled)$/i.test(state.status))
          throw new ArmError(
            'azure-unavailable',
            `Azure could not ${method === 'PUT' ? 'make' : 'remove'} ${lastSegment(path)}: ${state.error?.message ?? state.status}`,
            answer.status,
            state.error?.code,
          );
      } else if (answer.status !== 202) return;
    }
    throw new ArmError('azure-unavailable', `Azure has not finished changing ${lastSegment(path)} yet`, 0);
  }

  private url(path: string): string {
    return `${this.deps.endpoint}${path}`;
  }

  /** Poll URLs come from ARM's headers: only ever followed on ARM's own host, with https. */
  private checked(url: string): string {
    const target = new URL(url, this.deps.endpoint);
    if (target.origin !== new URL(this.deps.endpoint).origin)
      throw new ArmError(
        'azure-unavailable',
        `Azure sent an operation to follow on another host (${target.host})`,
        0,
      );
    return target.toString();
  }

  private parse<T>(path: string, response: HttpsResponse, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      throw new ArmError(
        'azure-unavailable',
        `Azure answered ${path} with something that is not JSON`,
        response.status,
      );
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ArmError(
      'azure-unavailable',
      `Azure's answer for ${path} is not what pgentra expects: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      response.status,
    );
  }

  private sleep(ms: number): Promise<void> {
    // The Clock's timers do not keep a process alive (the scheduler's must not); a CLI waiting
    // out a Retry-After must not just exit, so this wait holds the event loop until it ends.
    const keepAlive = setInterval(() => undefined, 60_000);
    return new Promise((resolve) =>
      this.deps.clock.setTimeout(() => {
        clearInterval(keepAlive);
        resolve();
      }, ms),
    );
  }

  private async send(method: 'GET' | 'PUT' | 'DELETE', url: string, body?: string): Promise<HttpsResponse> {
    const attempts = this.deps.attempts ?? 4;
    const maxWaitMs = this.deps.maxWaitMs ?? 60_000;
    const what = lastSegment(new URL(url).pathname);
    for (let attempt = 1; ; attempt++) {
      let response: HttpsResponse;
      try {
        response = await this.deps.http.request({
          method,
          url,
          headers: {
            authorization: `Bearer ${await this.deps.token()}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body,
        });
      } catch (error) {
        if (error instanceof PgentraError) throw error;
        throw new ArmError('azure-unavailable', (error as Error).message, 0);
      }
      const { status } = response;
      if (status < 400) return response;
      const problem = armProblem(response);
      const said = problem.message ? `: ${problem.message.split('\n')[0] ?? ''}` : '';
      const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], this.deps.clock.now());
      if (status === 429 || status >= 500) {
        const waitMs = retryAfterMs ?? (status === 429 ? 10_000 : 500 * 2 ** (attempt - 1));
        if (attempt < attempts && waitMs <= maxWaitMs) {
          await this.sleep(waitMs);
          continue;
        }
        if (status === 429)
          throw new ArmError(
            'throttled',
            `Azure Resource Manager is throttling requests (${what})${waitMs > maxWaitMs ? `; it asks to wait ${Math.ceil(waitMs / 1000)} s` : ''}`,
            status,
            problem.code,
            Math.ceil(waitMs / 1000),
          );
        throw new ArmError(
          'azure-unavailable',
          `Azure answered HTTP ${status} for ${what}${said}`,
          status,
          problem.code,
        );
      }
      if (status === 404)
        throw new ArmError('azure-not-found', `Azure has no ${what}${said}`, status, problem.code);
      if (status === 401 || status === 403)
        throw new ArmError('azure-access', `Azure refused access to ${what}${said}`, status, problem.code);
      throw new ArmError(
        'azure-unavailable',
        `Azure answered HTTP ${status} for ${what}${said}`,
        status,
        problem.code,
      );
    }
  }
}

function lastSegment(path: string): string {
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  return parts.slice(-2).join('/') || path;
}
