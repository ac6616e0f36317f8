// The CLI side of the agent socket. No zod, no MSAL: this is the `pgentra token` fast path, so it
// only loads node:net. Responses are checked by hand against the protocol's shape.
import { PgentraError } from '../errors.js';
import { lstatSync, type Stats } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AgentEndpoint } from './paths.js';
import type { AgentRequest, ForwardRequest } from './protocol.js';
import {
  AGENT_PROTOCOL_VERSION,
  MAX_ANSWER_BYTES,
  type AgentFailureCode,
  type AgentResponse,
  type AgentStatusRow,
  type ForwardedCluster,
  type ForwardLease,
} from './wire.js';

const FAILURE_CODES: readonly AgentFailureCode[] = [
  'usage',
  'needs-sign-in',
  'unreachable',
  'config',
  'internal',
];

export type AgentRequestBody = AgentRequest | ForwardRequest extends infer R
  ? R extends { v: number }
    ? Omit<R, 'v'>
    : never
  : never;

/** Nothing listens there: not a problem, the caller just goes on without an agent. */
export const ABSENT = Symbol('no agent');

/**
 * Why the agent at `endpoint` must not be asked, or null when it may be. Node cannot read the
 * peer's credentials, so the socket's place is what vouches for the agent: a directory that is
 * ours, not a symlink and closed to everyone else, holding a socket that is ours. Anyone else
 * could have planted it (the /tmp fallback has a predictable name) and would then choose the
 * password pgAdmin uses and what `pgentra status` prints.
 */
export function untrustedAgent(endpoint: AgentEndpoint): string | null | typeof ABSENT {
  if (endpoint.pipeSecretMissing) return ABSENT;
  if (endpoint.forwarded) return untrustedForward(endpoint.address);
  if (!endpoint.directory) return null;
  const uid = process.getuid?.();
  const directory = lstatOrNull(endpoint.directory);
  if (!directory) return ABSENT;
  const fix = `Remove it (\`rm -r '${endpoint.directory}'\`, as root if it is not yours) and restart the tray app or \`pgentra agent\`.`;
  if (directory.isSymbolicLink() || !directory.isDirectory())
    return `${endpoint.directory} is not a plain folder. ${fix}`;
  if (uid !== undefined && directory.uid !== uid)
    return `${endpoint.directory} belongs to another user (uid ${directory.uid}). ${fix}`;
  if ((directory.mode & 0o077) !== 0)
    return `${endpoint.directory} is open to other users (mode ${(directory.mode & 0o777).toString(8)}). ${fix}`;
  const socket = lstatOrNull(endpoint.address);
  if (!socket) return ABSENT;
  if (!socket.isSocket()) return `${endpoint.address} is not a socket. ${fix}`;
  if (uid !== undefined && socket.uid !== uid)
    return `${endpoint.address} belongs to another user (uid ${socket.uid}). ${fix}`;
  return null;
}

/**
 * A forwarded socket (sshd made it 0600 in /tmp, a relay in its private folder): it must be ours
 * and closed to others, in a folder where nobody else can swap it (ours, or sticky like /tmp).
 */
function untrustedForward(address: string): string | null | typeof ABSENT {
  const uid = process.getuid?.();
  const socket = lstatOrNull(address);
  if (!socket) return ABSENT;
  const fix = `Check PGENTRA_AGENT (${address}): it should name the socket \`pgentra ssh\` or the WSL relay made for you.`;
  if (!socket.isSocket()) return `${address} is not a socket. ${fix}`;
  if (uid !== undefined && socket.uid !== uid)
    return `${address} belongs to another user (uid ${socket.uid}). ${fix}`;
  if ((socket.mode & 0o077) !== 0)
    return `${address} is open to other users (mode ${(socket.mode & 0o777).toString(8)}). ${fix}`;
  const folder = lstatOrNull(path.dirname(address));
  const sticky = folder !== null && (folder.mode & 0o1000) !== 0 && folder.uid === 0;
  if (folder && !sticky && ((uid !== undefined && folder.uid !== uid) || (folder.mode & 0o022) !== 0))
    return `${path.dirname(address)} can be changed by other users, who could replace the socket. ${fix}`;
  return null;
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

export interface AskOptions {
  timeoutMs?: number;
  /** Told why an agent was not asked (someone else's socket): the caller goes on without it. */
  warn?: (message: string) => void;
}

/**
 * Asks the agent. Resolves `null` when no agent listens or the one there is not trusted (the
 * caller then uses the shared cache itself); rejects only when an agent answered with something
 * unreadable.
 */
export async function askAgent(
  endpoint: AgentEndpoint,
  request: AgentRequestBody,
  { timeoutMs = 10_000, warn }: AskOptions = {},
): Promise<AgentResponse | null> {
  const ready = await readyToAsk(endpoint, warn);
  if (!ready) return null;
  const { proof } = ready;
  const answer = await exchange(endpoint.address, { ...request, ...proof?.request }, timeoutMs);
  if (answer === null) return null;
  if (proof && !proof.accepts(answer)) {
    warn?.(unprovenAgent(endpoint));
    return null;
  }
  return parseResponse(answer);
}

/** Null when the agent must not be asked (said why through `warn`); else the proof to ask for. */
async function readyToAsk(endpoint: AgentEndpoint, warn: AskOptions['warn']) {
  const problem = untrustedAgent(endpoint);
  if (problem === ABSENT) return null;
  if (problem) {
    warn?.(`not using the pgentra agent: ${problem}`);
    return null;
  }
  // Only where the place cannot vouch (a Windows pipe): crypto is a measurable share of the fast path.
  return { proof: endpoint.proofKey ? await proofCheck(endpoint.proofKey) : undefined };
}

const unprovenAgent = (endpoint: AgentEndpoint) =>
  `not using the pgentra agent: the program answering on ${endpoint.address} could not prove it is your agent (it does not hold the key in your config folder). Quit whatever holds that pipe name and restart the tray app or \`pgentra agent\`.`;

export interface HeldAnswer {
  answer: AgentResponse;
  /** Resolves when the other side ends the connection (the forward or the agent went away). */
  ended: Promise<void>;
  /** Ends what the held connection keeps alive (a forward) from this side. */
  close(): void;
}

/**
 * Asks and keeps the connection open after the answer: a lease (`forward-open` lives while it is
 * open) or a watch (a forward closes it when it ends). Null when no (trusted) agent listens.
 */
export async function holdAgent(
  endpoint: AgentEndpoint,
  request: AgentRequestBody,
  { timeoutMs = 10_000, warn }: AskOptions = {},
): Promise<HeldAnswer | null> {
  const ready = await readyToAsk(endpoint, warn);
  if (!ready) return null;
  const { proof } = ready;
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(endpoint.address);
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    let buffer = '';
    let connected = false;
    let answered = false;
    const fail = (error: PgentraError | null) => {
      answered = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(null);
    };
    const timer = setTimeout(() => fail(null), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, ...request, ...proof?.request }) + '\n');
    });
    socket.on('data', (chunk: string) => {
      if (answered) return;
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) {
        if (buffer.length > MAX_ANSWER_BYTES)
          fail(new PgentraError('agent-protocol', 'the pgentra agent sent an answer far too long'));
        return;
      }
      const line = buffer.slice(0, newline);
      if (proof && !proof.accepts(line)) {
        warn?.(unprovenAgent(endpoint));
        fail(null);
        return;
      }
      answered = true;
      clearTimeout(timer);
      try {
        resolve({ answer: parseResponse(line), ended, close: () => socket.destroy() });
      } catch (error) {
        socket.destroy();
        reject(error);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      fail(
        connected
          ? new PgentraError(
              'agent-failed',
              `the pgentra agent connection failed: ${error.code ?? error.message}`,
            )
          : null,
      );
    });
    socket.on('close', () => {
      if (!answered)
        fail(
          connected ? new PgentraError('agent-protocol', 'the pgentra agent closed without an answer') : null,
        );
    });
  });
}

/** A fresh challenge, and whether an answer carries the key holder's reply to it. */
async function proofCheck(key: string) {
  const { createHmac, randomBytes, timingSafeEqual } = await import('node:crypto');
  const challenge = randomBytes(16).toString('hex');
  const expected = Buffer.from(createHmac('sha256', key).update(challenge).digest('hex'));
  return {
    request: { challenge },
    accepts(line: string): boolean {
      let proof: unknown;
      try {
        proof = (JSON.parse(line.trim()) as { proof?: unknown }).proof;
      } catch {
        return false;
      }
      return (
        typeof proof === 'string' &&
        proof.length === expected.length &&
        timingSafeEqual(Buffer.from(proof), expected)
      );
    },
  };
}

/**
 * One request line out, one answer line back; null when nobody listens, it takes too long, or the
 * agent closes without answering (the caller then reads the shared cache itself).
 *
 * The request is written, not `end`ed: on a Windows named pipe libuv starts an EOF timer once the
 * writing side is shut down (libuv src/win/pipe.c, uv__process_pipe_shutdown_req → eof_timer_start,
 * `eof_timeout = 50` ms) and reports EOF when no byte arrives within it, so an answer that needs a
 * round trip to Entra was lost. Our side closes only after the answer line.
 */
function exchange(address: string, request: AgentRequestBody, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(address);
    let buffer = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      // A wedged agent must not wedge pgAdmin: fall back to the direct path.
      resolve(null);
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, ...request }) + '\n');
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // One line answers; do not wait for the agent to close.
      if (buffer.includes('\n')) socket.end();
      else if (buffer.length > MAX_ANSWER_BYTES) {
        socket.destroy();
        reject(new PgentraError('agent-protocol', 'the pgentra agent sent an answer far too long'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected) resolve(null);
      else
        reject(
          new PgentraError(
            'agent-failed',
            `the pgentra agent connection failed: ${error.code ?? error.message}`,
          ),
        );
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (connected) resolve(buffer.trim() === '' ? null : buffer);
    });
  });
}

export function parseResponse(line: string): AgentResponse {
  const value: unknown = JSON.parse(line.trim() || 'null');
  if (typeof value === 'object' && value !== null) {
    const r = value as Record<string, unknown>;
    if (r.ok === true && typeof r.token === 'string' && typeof r.expiresAt === 'number')
      return {
        ok: true,
        token: r.token,
        expiresAt: r.expiresAt,
        ...(typeof r.warning === 'string' ? { warning: r.warning } : {}),
      };
    if (r.ok === true && r.pong === true && typeof r.pid === 'number')
      return {
        ok: true,
        pong: true,
        pid: r.pid,
        ...(r.owner === 'tray' || r.owner === 'agent' ? { owner: r.owner } : {}),
      };
    if (r.ok === true && Array.isArray(r.status)) return { ok: true, status: r.status as AgentStatusRow[] };
    // Checked field by field by whoever asked for them (forward-client.ts), with zod.
    if (r.ok === true && Array.isArray(r.clusters) && typeof r.label === 'string')
      return { ok: true, clusters: r.clusters as ForwardedCluster[], label: r.label };
    if (r.ok === true && r.watching === true) return { ok: true, watching: true };
    if (r.ok === true && typeof r.forward === 'object' && r.forward !== null)
      return { ok: true, forward: r.forward as ForwardLease };
    if (
      r.ok === false &&
      typeof r.message === 'string' &&
      FAILURE_CODES.includes(r.code as AgentFailureCode)
    ) {
      return { ok: false, code: r.code as AgentFailureCode, message: r.message };
    }
  }
  throw new PgentraError(
    'agent-protocol',
    'the pgentra agent sent an unexpected answer (is the tray app a different version?)',
  );
}
