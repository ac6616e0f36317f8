import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../../support/raw-socket.js';
import { askAgent } from '../../../../electron/core/agent/client.js';
import { agentEndpoint, type AgentEndpoint } from '../../../../electron/core/agent/paths.js';
import {
  AgentAlreadyRunningError,
  startAgentServer,
  type AgentServer,
} from '../../../../electron/core/agent/server.js';
import type { AgentRequest } from '../../../../electron/core/agent/protocol.js';

describe('local agent socket', () => {
  let base: string;
  let endpoint: AgentEndpoint;
  let server: AgentServer | undefined;
  const seen: AgentRequest[] = [];

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-agent-'));
    endpoint = agentEndpoint(path.join(base, 'config'), { XDG_RUNTIME_DIR: path.join(base, 'run') }, 'linux');
    seen.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await fs.rm(base, { recursive: true, force: true });
  });

  const start = async () => {
    server = await startAgentServer(endpoint, async (request) => {
      seen.push(request);
      if (request.op === 'ping') return { ok: true, pong: true, pid: process.pid };
      if (request.op === 'token' && request.cluster === 'prod')
        return { ok: true, token: 'tok-prod', expiresAt: 123 };
      return { ok: false, code: 'config', message: 'no cluster named that' };
    });
  };

  it('serves a token to the client from a 0600 socket in a 0700 directory', async () => {
    await start();
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod', minValidSec: 300 })).toEqual({
      ok: true,
      token: 'tok-prod',
      expiresAt: 123,
    });
    expect(seen[0]).toEqual({ v: 1, op: 'token', cluster: 'prod', minValidSec: 300 });
    expect((await fs.stat(endpoint.address)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(endpoint.directory!)).mode & 0o777).toBe(0o700);
  });

  it('answers even when the token takes a while (the client has already finished sending)', async () => {
    server = await startAgentServer(endpoint, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { ok: true, token: 'slow-token', expiresAt: 1 };
    });
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toEqual({
      ok: true,
      token: 'slow-token',
      expiresAt: 1,
    });
  });

  it('reports failures with a code the CLI maps to its exit status', async () => {
    await start();
    expect(await askAgent(endpoint, { op: 'token', cluster: 'nope' })).toEqual({
      ok: false,
      code: 'config',
      message: 'no cluster named that',
    });
  });

  it('answers null when no agent is running, so the CLI falls back to the cache', async () => {
    expect(await askAgent(endpoint, { op: 'ping' })).toBeNull();
  });

  it('rejects malformed requests naming the field, without calling the handler', async () => {
    await start();
    const bad = JSON.parse(
      await rawRequest(
        endpoint.address,
        JSON.stringify({ v: 1, op: 'token', cluster: 'prod', minValidSec: -5 }) + '\n',
      ),
    );
    expect(bad).toMatchObject({ ok: false, code: 'usage' });
    expect(bad.message).toContain('minValidSec');
    const notJson = JSON.parse(await rawRequest(endpoint.address, '{oops\n'));
    expect(notJson).toMatchObject({ ok: false, code: 'usage', message: 'request is not JSON' });
    const huge = JSON.parse(await rawRequest(endpoint.address, 'x'.repeat(20_000)));
    expect(huge).toMatchObject({ ok: false, message: 'request too large' });
    expect(seen).toHaveLength(0);
  });

  it('refuses to start a second agent for the same configuration', async () => {
    await start();
    await expect(
      startAgentServer(endpoint, async () => ({ ok: true, pong: true, pid: 1 })),
    ).rejects.toBeInstanceOf(AgentAlreadyRunningError);
  });

  it('replaces a stale socket left by a crashed agent', async () => {
    await fs.mkdir(endpoint.directory!, { recursive: true, mode: 0o700 });
    await fs.writeFile(endpoint.address, '');
    await start();
    expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' })).toMatchObject({ ok: true });
  });

  it('tightens a group-readable socket directory and refuses one owned by another user', async () => {
    await fs.mkdir(endpoint.directory!, { recursive: true });
    await fs.chmod(endpoint.directory!, 0o755);
    await start();
    expect((await fs.stat(endpoint.directory!)).mode & 0o777).toBe(0o700);
    await server!.close();
    server = undefined;
    if (process.getuid?.() === 0) {
      await fs.chown(endpoint.directory!, 65534, 65534);
      await expect(start()).rejects.toThrow(/belongs to another user/);
    }
  });

  it('derives distinct endpoints per configuration directory', () => {
    const a = agentEndpoint('/home/u/.config/pgentra', { XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux');
    const b = agentEndpoint('/tmp/other', { XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux');
    expect(a.address).not.toBe(b.address);
    expect(a.address.length).toBeLessThan(100);
    expect(
      agentEndpoint('C:\\Users\\u\\AppData\\Roaming\\pgentra', { USERNAME: 'Zoë Smith' }, 'win32').address,
    ).toMatch(/^\\\\\.\\pipe\\pgentra-Zo__Smith-[0-9a-f]{16}$/);
  });
});
