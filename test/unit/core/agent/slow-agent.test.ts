// Item 13 of issue 17: an agent that needs a while to answer (a token it must fetch from Entra).
// On a Windows named pipe the client's libuv reports EOF 50 ms after the client shuts down its
// writing side (libuv src/win/pipe.c: `eof_timeout = 50`, started by uv__process_pipe_shutdown_req
// when a read is pending), so a client that sends its request with `end()` loses every slow
// answer. These run over a real Unix socket against an agent that behaves the same way: it stops
// talking once the client has half-closed (allowHalfOpen off), and answers only after a delay.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askAgent } from '../../../../electron/core/agent/client.js';
import { agentEndpoint, type AgentEndpoint } from '../../../../electron/core/agent/paths.js';

const SLOW_MS = 300;

describe('agent client with a slow agent', () => {
  let base: string;
  let endpoint: AgentEndpoint;
  let server: net.Server | undefined;
  const halfClosedBeforeAnswer: boolean[] = [];

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-slow-'));
    endpoint = agentEndpoint(path.join(base, 'config'), { XDG_RUNTIME_DIR: base }, 'linux');
    await fs.mkdir(endpoint.directory ?? '', { mode: 0o700 });
    halfClosedBeforeAnswer.length = 0;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await fs.rm(base, { recursive: true, force: true });
  });

  async function listen(onRequest: (socket: net.Socket) => void): Promise<void> {
    // allowHalfOpen false: a FIN from the client ends our side too, as the pipe's EOF does.
    server = net.createServer({ allowHalfOpen: false }, (socket) => {
      let ended = false;
      socket.on('end', () => (ended = true));
      socket.on('error', () => undefined);
      socket.once('data', () =>
        setTimeout(() => {
          halfClosedBeforeAnswer.push(ended);
          if (!socket.destroyed && socket.writable) onRequest(socket);
          else socket.destroy();
        }, SLOW_MS),
      );
    });
    await new Promise<void>((resolve) => server?.listen(endpoint.address, resolve));
  }

  it('waits for an answer that takes longer than the pipe would wait after a half-close', async () => {
    await listen((socket) => socket.end('{"ok":true,"token":"fresh","expiresAt":1}\n'));
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toEqual({
      ok: true,
      token: 'fresh',
      expiresAt: 1,
    });
    // The request went out without a FIN: the agent could still answer.
    expect(halfClosedBeforeAnswer).toEqual([false]);
  });

  it('an agent that closes without answering means "no agent": the caller reads the cache itself', async () => {
    await listen((socket) => socket.end());
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toBeNull();
  });

  it('closes its side once the answer line is in, without waiting for the agent to close', async () => {
    let clientEnded!: Promise<void>;
    await listen((socket) => {
      clientEnded = new Promise((resolve) => socket.on('end', resolve));
      // Answers but keeps its side open: the client must close.
      socket.write('{"ok":true,"pong":true,"pid":7}\n');
    });
    expect(await askAgent(endpoint, { op: 'ping' })).toEqual({ ok: true, pong: true, pid: 7 });
    await clientEnded;
  });
});
