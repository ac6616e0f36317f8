// HTTPS through a proxy for the node:https client (the CLI and the agent): the HTTPS_PROXY
// convention of curl, az and most CLIs. Node's own https ignores it (NODE_USE_ENV_PROXY exists
// only from Node 24), so the agent here opens an HTTP CONNECT tunnel to the proxy and runs TLS to
// the identity provider inside it: the proxy sees the host name, never the request, and the
// provider's certificate is checked as on a direct connection. Node's Agent accepts a socket
// from createConnection's callback (lib/_http_agent.js, createSocket), which is what lets the
// CONNECT exchange happen first.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { PgentraError } from '../errors.js';

/** The proxy for an https request to `target`, from HTTPS_PROXY / NO_PROXY (either case); none if unset or bypassed. */
export function proxyFromEnv(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy;
  if (!raw) return undefined;
  const bypass = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const host = target.hostname.toLowerCase();
  const port = target.port || '443';
  for (const entry of bypass) {
    if (entry === '*') return undefined;
    const [name = '', entryPort] = entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const suffix = name.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith(`.${suffix}`)) return undefined;
  }
  let proxy: URL;
  try {
    // curl's convention: a bare host:port means http://.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new PgentraError('network', `HTTPS_PROXY is not a URL: ${raw.replace(/\/\/[^@/]*@/, '//…@')}`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
    throw new PgentraError(
      'network',
      `HTTPS_PROXY must be an http:// or https:// proxy, not ${proxy.protocol}`,
    );
  return proxy;
}

/** A proxy that cannot be reached or refuses the tunnel; the network client reports it as is. */
export class ProxyError extends PgentraError {
  override readonly name = 'ProxyError';
  constructor(
    message: string,
    readonly errorNo?: string,
  ) {
    super('network', message);
  }
}

/** Where a proxy is shown to a person: no credentials. */
const shown = (proxy: URL) => `${proxy.protocol}//${proxy.host}`;

class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: tls.ConnectionOptions & { host?: string; port?: number; servername?: string },
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const done = callback ?? (() => undefined);
    const proxy = this.proxy;
    const host = options.servername || options.host || 'localhost';
    const authority = `${host}:${options.port ?? 443}`;
    const headers: Record<string, string> = { host: authority };
    if (proxy.username)
      headers['proxy-authorization'] = `Basic ${Buffer.from(
        `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`,
      ).toString('base64')}`;
    const request = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    request.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(
          new ProxyError(
            `the proxy ${shown(proxy)} (HTTPS_PROXY) refused a tunnel to ${authority}: HTTP ${response.statusCode ?? 0}`,
          ),
          socket,
        );
        return;
      }
      done(null, tls.connect({ ...options, socket, servername: host }));
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      done(
        new ProxyError(
          `cannot reach the proxy ${shown(proxy)} (HTTPS_PROXY): ${error.code ?? error.message}`,
          error.code,
        ),
        undefined as unknown as Duplex,
      );
    });
    request.end();
    return undefined;
  }
}

/**
 * The agent for `target`: a tunnelling one (one per proxy, kept in `agents`) when the environment
 * names a proxy for it, else undefined (connect directly).
 */
export function proxyAgentFor(
  target: URL,
  env: NodeJS.ProcessEnv,
  agents: Map<string, https.Agent>,
  options: https.AgentOptions,
): https.Agent | undefined {
  const proxy = proxyFromEnv(target, env);
  if (!proxy) return undefined;
  let agent = agents.get(proxy.href);
  if (!agent) {
    agent = new TunnelAgent(proxy, options);
    agents.set(proxy.href, agent);
  }
  return agent;
}
