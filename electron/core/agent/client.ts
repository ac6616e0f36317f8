// The CLI side of the agent socket. No zod, no MSAL: this is the `pgentra token` fast path, so it
// only loads node:net. Responses are checked by hand against the protocol's shape.
import { PgentraError } from '../errors.js';
import net from 'node:net';
import type { AgentRequest } from './protocol.js';
import {
  AGENT_PROTOCOL_VERSION,
  type AgentFailureCode,
  type AgentResponse,
  type AgentStatusRow,
} from './wire.js';

const FAILURE_CODES: readonly AgentFailureCode[] = [
  'usage',
  'needs-sign-in',
  'unreachable',
  'config',
  'internal',
];

export type AgentRequestBody = AgentRequest extends infer R
  ? R extends { v: number }
    ? Omit<R, 'v'>
    : never
  : never;

/**
 * Asks the agent. Resolves `null` when no agent listens (the caller then uses the shared cache
 * itself); rejects only when an agent answered with something unreadable.
 */
export function askAgent(
  address: string,
  request: AgentRequestBody,
  timeoutMs = 10_000,
): Promise<AgentResponse | null> {
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
      socket.end(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, ...request }) + '\n');
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // One line answers; do not wait for the agent to close.
      if (buffer.includes('\n')) socket.end();
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
      if (!connected) return;
      try {
        resolve(parseResponse(buffer));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseResponse(line: string): AgentResponse {
  const value: unknown = JSON.parse(line.trim() || 'null');
  if (typeof value === 'object' && value !== null) {
    const r = value as Record<string, unknown>;
    if (r.ok === true && typeof r.token === 'string' && typeof r.expiresAt === 'number')
      return { ok: true, token: r.token, expiresAt: r.expiresAt };
    if (r.ok === true && r.pong === true && typeof r.pid === 'number')
      return {
        ok: true,
        pong: true,
        pid: r.pid,
        ...(r.owner === 'tray' || r.owner === 'agent' ? { owner: r.owner } : {}),
      };
    if (r.ok === true && Array.isArray(r.status)) return { ok: true, status: r.status as AgentStatusRow[] };
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
