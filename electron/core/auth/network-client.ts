// MSAL's network module, ours instead of its fetch-based default for four reasons: every request
// (POSTs included — MSAL's default only times out GETs) has a deadline, so a stalled identity
// provider cannot hang a refresh forever; a private CA (a corporate TLS proxy, the testbed) can be
// trusted without NODE_EXTRA_CA_CERTS, which only works if set before the process starts;
// Retry-After is kept for the caller, because msal-node's public-client errors drop the header
// (and the status) so backoff could not honour it otherwise; and a proxy is honoured: msal-node 7's
// default client is Node's fetch, which ignores HTTPS_PROXY (and msal-node 5 removed `proxyUrl`).
//
// Two transports share one reading of the answers (interpretResponse):
// - createHttpsNetworkClient (the CLI, the agent, the preview host): node:https, through the
//   HTTPS_PROXY named in the environment (proxy-tunnel.ts).
// - createFetchNetworkClient (the tray app): a `fetch` the caller gives, there Electron's
//   `net.fetch`, which goes through Chromium's network stack with the system proxy settings, PAC
//   and WPAD, and the OS's trusted roots (electron docs/api/net.md).
import { PgentraError } from '../errors.js';
import https from 'node:https';
import tls from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { parseRetryAfterMs } from '../refresh-policy.js';
import type { FetchPort } from '../ports.js';
import { proxyAgentFor, ProxyError } from './proxy-tunnel.js';

export interface HttpsNetworkClientOptions {
  /** Extra trusted roots, added to Node's bundled ones. */
  extraCa?: readonly (string | Buffer)[];
  timeoutMs?: number;
  /** Where HTTPS_PROXY / NO_PROXY are read (default: none, a direct connection). */
  env?: NodeJS.ProcessEnv;
}

export interface FetchNetworkClientOptions {
  fetch: FetchPort;
  timeoutMs?: number;
}

export class NetworkRequestError extends PgentraError {
  override readonly name = 'NetworkRequestError';
  /** MSAL's code for a failed request, read by classifyAuthError like MSAL's own errors. */
  readonly errorCode = 'network_error';
  constructor(
    message: string,
    readonly errorNo?: string,
  ) {
    super('network', message);
  }
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/** What msal-node's errors lose: the Retry-After of a 429/5xx, and why a request failed. */
export interface RequestFailureHint {
  retryAfterSec?: number;
  /** e.g. "no answer from login.microsoftonline.com within 15 s", where MSAL only says network_error. */
  networkProblem?: string;
  /**
   * Entra's own sentence for a refused metadata request (e.g. "Tenant '…' not found"), which
   * MSAL replaces with endpoints_resolution_error and a link.
   */
  authorityProblem?: string;
  /** A 5xx answer (e.g. to the metadata request), which MSAL reports as a configuration error. */
  serverProblem?: string;
}

export interface HttpsNetworkClient extends INetworkModule {
  /** The hint left by the latest failed request since the previous call, then forgotten. */
  takeFailureHint(): RequestFailureHint | undefined;
}

/** A request's answer as MSAL wants it, plus what its errors would lose (the failure hint). */
function interpretResponse<T>(
  method: 'GET' | 'POST',
  target: URL,
  status: number,
  headers: Record<string, string>,
  text: string,
): { response: NetworkResponse<T>; hint?: RequestFailureHint } {
  let hint: RequestFailureHint | undefined;
  if (status === 429 || status >= 500) {
    const ms = parseRetryAfterMs(headers['retry-after'], Date.now());
    hint = {
      ...(ms === undefined ? {} : { retryAfterSec: Math.ceil(ms / 1000) }),
      ...(status >= 500 ? { serverProblem: `${target.host} answered HTTP ${status}` } : {}),
    };
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // Gateways answer 502/503 with HTML; MSAL needs an object and the status tells the story.
    parsed = { error: `http_${status}`, error_description: `HTTP ${status} from ${target.host}` };
  }
  if (method === 'GET' && status >= 400 && status < 500) {
    const description = (parsed as { error_description?: unknown }).error_description;
    if (typeof description === 'string')
      // The first line only: the rest is trace and correlation IDs.
      hint = { authorityProblem: `${target.host}: ${description.split(/\r?\n/)[0] ?? ''}` };
  }
  return { response: { headers, body: parsed as T, status }, ...(hint ? { hint } : {}) };
}

function httpsOnly(target: URL): void {
  if (target.protocol !== 'https:')
    throw new NetworkRequestError(
      `refusing to send an identity request over ${target.protocol} (${target.host})`,
    );
}

const timedOut = (target: URL, deadline: number) =>
  new NetworkRequestError(
    `no answer from ${target.host} within ${Math.round(deadline / 1000)} s`,
    'ETIMEDOUT',
  );

/** The latest failure's hint, kept until the session asks for it (then forgotten). */
class FailureHints {
  #hint: RequestFailureHint | undefined;
  note(hint: RequestFailureHint): void {
    this.#hint = hint;
  }
  take(): RequestFailureHint | undefined {
    const seen = this.#hint;
    this.#hint = undefined;
    return seen;
  }
}

/** An answer as it came off the wire, before interpretResponse reads it. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends one request within `deadline` ms; rejects with a NetworkRequestError saying why not. */
type Transport = (
  method: 'GET' | 'POST',
  target: URL,
  request: NetworkRequestOptions | undefined,
  deadline: number,
) => Promise<RawAnswer>;

/** MSAL's network module over a transport: the deadline, https only, and the failure hints. */
function networkClient(transport: Transport, timeoutMs: number): HttpsNetworkClient {
  const hints = new FailureHints();
  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    request: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const deadline = Math.min(timeout ?? timeoutMs, timeoutMs);
    const target = new URL(url);
    httpsOnly(target);
    let raw: RawAnswer;
    try {
      raw = await transport(method, target, request, deadline);
    } catch (error) {
      const failure =
        error instanceof NetworkRequestError
          ? error
          : new NetworkRequestError(
              `cannot reach ${target.host}: ${error instanceof Error ? error.message : String(error)}`,
            );
      hints.note({ networkProblem: failure.message });
      throw failure;
    }
    const read = interpretResponse<T>(method, target, raw.status, raw.headers, raw.text);
    if (read.hint) hints.note(read.hint);
    return read.response;
  }
  return {
    sendGetRequestAsync: (url, request, timeout) => send('GET', url, request, timeout),
    sendPostRequestAsync: (url, request) => send('POST', url, request),
    takeFailureHint: () => hints.take(),
  };
}

export function createHttpsNetworkClient(options: HttpsNetworkClientOptions = {}): HttpsNetworkClient {
  const ca = options.extraCa?.length ? [...tls.rootCertificates, ...options.extraCa.map(String)] : undefined;
  const direct = new https.Agent({ keepAlive: true, ca, maxSockets: 4 });
  const proxied = new Map<string, https.Agent>();

  const transport: Transport = (method, target, request, deadline) =>
    new Promise((resolve, reject) => {
      const agent =
        proxyAgentFor(target, options.env ?? {}, proxied, { keepAlive: true, ca, maxSockets: 4 }) ?? direct;
      const body = method === 'POST' ? (request?.body ?? '') : undefined;
      const req = https.request(
        target,
        {
          method,
          agent,
          headers: {
            ...request?.headers,
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(tooLarge(target));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(deadline, () => req.destroy(timedOut(target, deadline)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          error instanceof NetworkRequestError
            ? error
            : error instanceof ProxyError
              ? new NetworkRequestError(error.message, error.errorNo)
              : new NetworkRequestError(
                  `cannot reach ${target.host}: ${error.code ?? error.message}`,
                  error.code,
                ),
        );
      });
      req.end(body);
    });

  return networkClient(transport, options.timeoutMs ?? 15_000);
}

const tooLarge = (target: URL) =>
  new NetworkRequestError(`response from ${target.host} is larger than ${MAX_RESPONSE_BYTES} bytes`);

/** Reads a fetch body up to MAX_RESPONSE_BYTES, refusing more (a stream, so nothing bigger is held). */
async function boundedText(response: Response, target: URL): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooLarge(target);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a fetch failed, in the words the https client uses (the code where the stack gives one). */
function fetchFailure(error: unknown, target: URL, deadline: number): NetworkRequestError {
  if (error instanceof NetworkRequestError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return timedOut(target, deadline);
  // Node's fetch: TypeError('fetch failed') with the socket error as cause; Electron's net.fetch:
  // the Chromium error (net::ERR_PROXY_CONNECTION_FAILED …) as the message.
  const cause =
    error instanceof Error && error.cause instanceof Error
      ? (error.cause as NodeJS.ErrnoException)
      : undefined;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new NetworkRequestError(`cannot reach ${target.host}: ${reason}`, cause?.code);
}

/** The network client over a `fetch`: Electron's net.fetch in the tray app. */
export function createFetchNetworkClient(options: FetchNetworkClientOptions): HttpsNetworkClient {
  const transport: Transport = async (method, target, request, deadline) => {
    try {
      const response = await options.fetch(target.href, {
        method,
        headers: { ...request?.headers },
        ...(method === 'POST' ? { body: request?.body ?? '' } : {}),
        // An identity endpoint that redirects is not one MSAL should follow blindly.
        redirect: 'error',
        signal: AbortSignal.timeout(deadline),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, text: await boundedText(response, target) };
    } catch (error) {
      throw fetchFailure(error, target, deadline);
    }
  };
  return networkClient(transport, options.timeoutMs ?? 15_000);
}
