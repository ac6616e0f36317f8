// MSAL's network module, ours instead of its fetch-based default for three reasons: every request
// (POSTs included — MSAL's default only times out GETs) has a deadline, so a stalled identity
// provider cannot hang a refresh forever; a private CA (a corporate TLS proxy, the testbed) can be
// trusted without NODE_EXTRA_CA_CERTS, which only works if set before the process starts; and
// Retry-After is kept for the caller, because msal-node's public-client errors drop the header
// (and the status) so backoff could not honour it otherwise.
import { PgentraError } from '../errors.js';
import https from 'node:https';
import tls from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { parseRetryAfterMs } from '../refresh-policy.js';

export interface HttpsNetworkClientOptions {
  /** Extra trusted roots, added to Node's bundled ones. */
  extraCa?: readonly (string | Buffer)[];
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

export function createHttpsNetworkClient(options: HttpsNetworkClientOptions = {}): HttpsNetworkClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  let hint: RequestFailureHint | undefined;
  const ca = options.extraCa?.length ? [...tls.rootCertificates, ...options.extraCa.map(String)] : undefined;
  const agent = new https.Agent({ keepAlive: true, ca, maxSockets: 4 });

  function send<T>(
    method: 'GET' | 'POST',
    url: string,
    request: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const deadline = Math.min(timeout ?? timeoutMs, timeoutMs);
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(
          new NetworkRequestError(
            `refusing to send an identity request over ${target.protocol} (${target.host})`,
          ),
        );
        return;
      }
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
              req.destroy(
                new NetworkRequestError(
                  `response from ${target.host} is larger than ${MAX_RESPONSE_BYTES} bytes`,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            const status = res.statusCode ?? 0;
            if (status === 429 || status >= 500) {
              const ms = parseRetryAfterMs(headers['retry-after'], Date.now());
              hint = {
                ...(ms === undefined ? {} : { retryAfterSec: Math.ceil(ms / 1000) }),
                ...(status >= 500 ? { serverProblem: `${target.host} answered HTTP ${status}` } : {}),
              };
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              // Gateways answer 502/503 with HTML; MSAL needs an object and the status tells the story.
              parsed = {
                error: `http_${res.statusCode ?? 0}`,
                error_description: `HTTP ${res.statusCode ?? 0} from ${target.host}`,
              };
            }
            if (method === 'GET' && status >= 400 && status < 500) {
              const description = (parsed as { error_description?: unknown }).error_description;
              if (typeof description === 'string')
                // The first line only: the rest is trace and correlation IDs.
                hint = { authorityProblem: `${target.host}: ${description.split(/\r?\n/)[0] ?? ''}` };
            }
            resolve({ headers, body: parsed as T, status: res.statusCode ?? 0 });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(deadline, () => {
        req.destroy(
          new NetworkRequestError(
            `no answer from ${target.host} within ${Math.round(deadline / 1000)} s`,
            'ETIMEDOUT',
          ),
        );
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const failure =
          error instanceof NetworkRequestError
            ? error
            : new NetworkRequestError(
                `cannot reach ${target.host}: ${error.code ?? error.message}`,
                error.code,
              );
        hint = { networkProblem: failure.message };
        reject(failure);
      });
      req.end(body);
    });
  }

  return {
    sendGetRequestAsync: (url, request, timeout) => send('GET', url, request, timeout),
    sendPostRequestAsync: (url, request) => send('POST', url, request),
    takeFailureHint: () => {
      const seen = hint;
      hint = undefined;
      return seen;
    },
  };
}
