// The agent side: serves tokens to `pgentra token` over a Unix socket in a private 0700
// directory (a named pipe on Windows). The directory's permissions are what keep other OS users
// out (Node cannot read SO_PEERCRED), so they are checked, not assumed.
import { PgentraError } from '../errors.js';
import { promises as fs } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { askAgent } from './client.js';
import {
  AGENT_KEY_FILE,
  agentEndpoint,
  PIPE_SECRET_FILE,
  readSecretFile,
  type AgentEndpoint,
} from './paths.js';
import type { z } from 'zod';
import {
  agentRequestSchema,
  MAX_REQUEST_BYTES,
  type AgentOwner,
  type AgentRequest,
  type AgentResponse,
} from './protocol.js';

/** One connection as a handler sees it: it may keep the connection open after answering. */
export interface AgentSession {
  /** The answer goes out but the connection stays open; `onEnd` runs when the peer goes away. */
  hold(onEnd: () => void): void;
}

export type AgentHandler<R = AgentRequest> = (request: R, session: AgentSession) => Promise<AgentResponse>;

export interface SocketServerOptions<R> {
  address: string;
  /** Windows: the key the server proves it holds to a client's challenge. */
  proofKey?: string;
  /** POSIX: make the socket file 0600 (its folder is already private). */
  posix: boolean;
  schema: z.ZodType<R>;
  /** A clear refusal for a request the schema would reject with a less helpful message. */
  refuse?: (request: unknown) => string | undefined;
  /** At most this many connections at once; more are dropped (a flooding peer). */
  maxConnections?: number;
}

export interface AgentServer {
  address: string;
  close(): Promise<void>;
}

export class AgentAlreadyRunningError extends PgentraError {
  override readonly name = 'AgentAlreadyRunningError';
  constructor(
    readonly pid: number,
    readonly owner?: AgentOwner,
  ) {
    super(
      'agent-running',
      owner === 'tray'
        ? `the pgentra tray app (pid ${pid}) is running and already keeps these tokens fresh and answers \`pgentra token\`; \`pgentra agent\` is not needed while it runs (quit the app to use the agent instead)`
        : `another \`pgentra agent\` (pid ${pid}) is already serving this configuration`,
    );
  }
}

/** Creates (or checks) the 0700 folder sockets are served from; refuses one that is not ours. */
export async function securePrivateDirectory(directory: string): Promise<void> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const stat = await fs.lstat(directory);
  // Someone else's folder at our predictable path (the /tmp fallback) would let them answer in
  // our place; we cannot take it over, so say who can remove it and how to avoid the path.
  const fix = `Ask an administrator to remove it (\`sudo rm -r '${directory}'\`), or set XDG_RUNTIME_DIR to a folder only you can use; tokens stay fresh meanwhile, and \`pgentra token\` works without the agent.`;
  if (!stat.isDirectory() || stat.isSymbolicLink()) {
    throw new PgentraError(
      'agent-socket-unsafe',
      `refusing to serve tokens from ${directory}: it is not a plain folder. ${fix}`,
      { file: directory },
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new PgentraError(
      'agent-socket-unsafe',
      `refusing to serve tokens from ${directory}: it belongs to another user (uid ${stat.uid}), who may be posing as the pgentra agent. ${fix}`,
      { file: directory },
    );
  }
  if ((stat.mode & 0o077) !== 0) await fs.chmod(directory, 0o700);
}

/**
 * Windows: the pipe name's random part and the key the agent proves it holds, each created once
 * (0600, exclusively, so two agents starting together agree on it) in the config dir, where
 * only this user can read it.
 */
export async function ensureSecretFile(configDir: string, file: string): Promise<string> {
  const existing = readSecretFile(configDir, file);
  if (existing) return existing;
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(16).toString('hex');
  try {
    await fs.writeFile(path.join(configDir, file), `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    const raced = readSecretFile(configDir, file);
    if (raced) return raced;
    throw new PgentraError(
      'agent-socket-unsafe',
      `cannot create ${path.join(configDir, file)} (${(error as NodeJS.ErrnoException).code ?? String(error)}): remove it if it is not 32 hex digits.`,
      { file: path.join(configDir, file), cause: error },
    );
  }
}

/** The agent's answer to a client's challenge: only a holder of the key can compute it. */
export function agentProof(key: string, challenge: string): string {
  return createHmac('sha256', key).update(challenge).digest('hex');
}

/** The endpoint the agent listens on; on Windows this creates the pipe secret first. */
export async function serverEndpoint(
  configDir: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<AgentEndpoint> {
  if (platform !== 'win32') return agentEndpoint(configDir, env, platform);
  const pipeSecret = await ensureSecretFile(configDir, PIPE_SECRET_FILE);
  return agentEndpoint(
    configDir,
    env,
    platform,
    pipeSecret,
    await ensureSecretFile(configDir, AGENT_KEY_FILE),
  );
}

/** The pgentra (tray or agent) already serving this endpoint, if one answers. */
export async function agentServing(endpoint: AgentEndpoint): Promise<AgentAlreadyRunningError | null> {
  const existing = await askAgent(endpoint, { op: 'ping' }, { timeoutMs: 2_000 }).catch(() => null);
  return existing?.ok && 'pid' in existing
    ? new AgentAlreadyRunningError(existing.pid, existing.owner)
    : null;
}

export async function startAgentServer(endpoint: AgentEndpoint, handler: AgentHandler): Promise<AgentServer> {
  if (endpoint.directory) {
    await securePrivateDirectory(endpoint.directory);
    const running = await agentServing(endpoint);
    if (running) throw running;
    // Nobody answered: the socket file is a leftover from a crashed agent.
    await fs.rm(endpoint.address, { force: true });
  }

  return startSocketServer(
    {
      address: endpoint.address,
      proofKey: endpoint.proofKey,
      posix: !!endpoint.directory,
      schema: agentRequestSchema,
    },
    handler,
  );
}

/** A socket (or pipe) answering one request line per connection: the agent's and each forward's. */
export async function startSocketServer<R>(
  options: SocketServerOptions<R>,
  handler: AgentHandler<R>,
): Promise<AgentServer> {
  const sockets = new Set<net.Socket>();
  // allowHalfOpen: a client may finish sending (FIN) before we have answered; the answer must still go out.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, handler, options);
  });
  if (options.maxConnections) server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.posix) await fs.chmod(options.address, 0o600);

  return {
    address: options.address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve<R>(socket: net.Socket, handler: AgentHandler<R>, options: SocketServerOptions<R>): void {
  const { proofKey } = options;
  let received = '';
  let answered = false;
  let held: (() => void) | undefined;
  let challenge: string | undefined;
  const answer = (response: AgentResponse) => {
    if (answered) return;
    answered = true;
    const proof = proofKey && challenge ? { proof: agentProof(proofKey, challenge) } : {};
    const line = JSON.stringify({ ...response, ...proof }) + '\n';
    if (!held || !response.ok) {
      socket.end(line);
      return;
    }
    // Held: no idle timeout, and the peer closing (or dying) ends what it holds.
    socket.setTimeout(0);
    socket.write(line);
    socket.once('close', held);
    // allowHalfOpen keeps our side open after the peer's FIN: for a held connection that FIN is the end.
    socket.once('end', () => socket.destroy());
  };
  const session: AgentSession = { hold: (onEnd) => (held = onEnd) };
  socket.setEncoding('utf8');
  socket.setTimeout(30_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    if (answered) return;
    received += chunk;
    if (Buffer.byteLength(received) > MAX_REQUEST_BYTES) {
      answer({ ok: false, code: 'usage', message: 'request too large' });
      return;
    }
    const newline = received.indexOf('\n');
    if (newline < 0 || answered) return;
    const line = received.slice(0, newline);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      answer({ ok: false, code: 'usage', message: 'request is not JSON' });
      return;
    }
    const request = options.schema.safeParse(parsed);
    challenge = challengeOf(parsed);
    const refusal = options.refuse?.(parsed);
    if (refusal) {
      answer({ ok: false, code: 'usage', message: refusal });
      return;
    }
    if (!request.success) {
      const issue = request.error.issues[0];
      answer({
        ok: false,
        code: 'usage',
        message: `invalid request field "${issue?.path.join('.') || 'op'}": ${issue?.message ?? 'invalid'}`,
      });
      return;
    }
    handler(request.data, session).then(answer, (error: unknown) =>
      answer({
        ok: false,
        code: 'internal',
        message: error instanceof Error ? error.message : 'agent failed',
      }),
    );
  });
}

/** The client's challenge, answered even when the request is refused (so the refusal is believed). */
function challengeOf(parsed: unknown): string | undefined {
  const value = (parsed as { challenge?: unknown } | null)?.challenge;
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}
