// The HttpsFetch port on node:https: a deadline on every request, a size cap on every answer, and
// extra trusted roots for a private cloud (a corporate TLS proxy, the testbed) without
// NODE_EXTRA_CA_CERTS, which only works when set before the process starts.
import https from 'node:https';
import tls from 'node:tls';
import { PgentraError } from '../errors.js';
import type { HttpsFetch } from '../ports.js';

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class HttpsRequestError extends PgentraError {
  override readonly name = 'HttpsRequestError';
  constructor(message: string) {
    super('azure-unavailable', message);
  }
}

export function createNodeHttps(
  options: { extraCa?: readonly Buffer[]; timeoutMs?: number } = {},
): HttpsFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ca = options.extraCa?.length ? [...tls.rootCertificates, ...options.extraCa.map(String)] : undefined;
  const agent = new https.Agent({ keepAlive: true, ca, maxSockets: 6 });
  return {
    request: ({ method, url, headers, body }) =>
      new Promise((resolve, reject) => {
        const target = new URL(url);
        if (target.protocol !== 'https:') {
          reject(
            new HttpsRequestError(`refusing to send a request over ${target.protocol} (${target.host})`),
          );
          return;
        }
        const request = https.request(
          target,
          {
            method,
            agent,
            headers: {
              ...headers,
              ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_RESPONSE_BYTES)
                request.destroy(new HttpsRequestError(`the answer from ${target.host} is too large`));
              else chunks.push(chunk);
            });
            response.on('error', reject);
            response.on('end', () => {
              const answerHeaders: Record<string, string> = {};
              for (const [name, value] of Object.entries(response.headers))
                if (value !== undefined)
                  answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
              resolve({
                status: response.statusCode ?? 0,
                headers: answerHeaders,
                body: Buffer.concat(chunks).toString('utf8'),
              });
            });
          },
        );
        request.setTimeout(timeoutMs, () =>
          request.destroy(
            new HttpsRequestError(`no answer from ${target.host} within ${Math.round(timeoutMs / 1000)} s`),
          ),
        );
        request.on('error', (error: NodeJS.ErrnoException) =>
          reject(
            error instanceof HttpsRequestError
              ? error
              : new HttpsRequestError(`cannot reach ${target.host}: ${error.code ?? error.message}`),
          ),
        );
        request.end(body);
      }),
  };
}
