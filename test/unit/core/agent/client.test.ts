// An agent socket planted by another user is not asked: `pgentra token` must never hand pgAdmin
// a password chosen by someone else. The impostor is a real process running as `nobody`.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askAgent } from '../../../../electron/core/agent/client.js';
import {
  AGENT_KEY_FILE,
  agentEndpoint,
  PIPE_SECRET_FILE,
  type AgentEndpoint,
} from '../../../../electron/core/agent/paths.js';
import { serverEndpoint, startAgentServer } from '../../../../electron/core/agent/server.js';
import {
  canRunAsAnotherUser,
  IMPOSTOR_TOKEN,
  plantImpostorAgent,
  type Impostor,
} from '../../../support/testbed/impostor-agent.js';

describe('agent client trust', () => {
  let base: string;
  let endpoint: AgentEndpoint;
  let impostor: Impostor | undefined;
  const warnings: string[] = [];
  const warn = (text: string) => warnings.push(text);

  beforeEach(async () => {
    // Like /tmp: anyone may create entries (the fallback when XDG_RUNTIME_DIR is unset).
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-trust-'));
    await fs.chmod(base, 0o1777);
    endpoint = agentEndpoint(path.join(base, 'config'), { XDG_RUNTIME_DIR: base }, 'linux');
    warnings.length = 0;
  });
  afterEach(async () => {
    await impostor?.stop();
    impostor = undefined;
    await fs.rm(base, { recursive: true, force: true });
  });

  it.runIf(canRunAsAnotherUser)(
    "skips another user's planted agent with a warning naming the folder and the fix",
    async () => {
      impostor = await plantImpostorAgent(endpoint);
      expect(await askAgent(endpoint, { op: 'token', cluster: 'prod' }, { warn })).toBeNull();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`${endpoint.directory} belongs to another user (uid 65534)`);
      expect(warnings[0]).toContain(`rm -r '${endpoint.directory}'`);
      expect(warnings.join('')).not.toContain(IMPOSTOR_TOKEN);
    },
  );

  it.runIf(canRunAsAnotherUser)(
    'the real agent refuses the planted folder and says who can remove it, instead of waiting forever',
    async () => {
      impostor = await plantImpostorAgent(endpoint);
      await expect(
        startAgentServer(endpoint, async () => ({ ok: true, pong: true, pid: 1 })),
      ).rejects.toMatchObject({
        code: 'agent-socket-unsafe',
        message: expect.stringContaining(`sudo rm -r '${endpoint.directory}'`) as unknown,
      });
    },
  );

  it('skips a folder of ours that others may enter, and a socket path that is not a socket', async () => {
    const directory = endpoint.directory ?? '';
    await fs.mkdir(directory, { mode: 0o700 });
    await fs.writeFile(endpoint.address, '');
    expect(await askAgent(endpoint, { op: 'ping' }, { warn })).toBeNull();
    expect(warnings[0]).toContain(`${endpoint.address} is not a socket`);
    await fs.rm(endpoint.address);
    const server = net.createServer((socket) => socket.end('{"ok":true,"pong":true,"pid":1}\n'));
    await new Promise<void>((resolve) => server.listen(endpoint.address, resolve));
    try {
      await fs.chmod(directory, 0o755);
      expect(await askAgent(endpoint, { op: 'ping' }, { warn })).toBeNull();
      expect(warnings[1]).toContain(`${directory} is open to other users (mode 755)`);
      await fs.chmod(directory, 0o700);
      expect(await askAgent(endpoint, { op: 'ping' }, { warn })).toEqual({ ok: true, pong: true, pid: 1 });
      expect(warnings).toHaveLength(2);
    } finally {
      server.close();
    }
  });

  it('skips a symlink where the folder should be', async () => {
    const elsewhere = path.join(base, 'elsewhere');
    await fs.mkdir(elsewhere, { mode: 0o700 });
    await fs.symlink(elsewhere, endpoint.directory ?? '');
    expect(await askAgent(endpoint, { op: 'ping' }, { warn })).toBeNull();
    expect(warnings[0]).toContain('is not a plain folder');
  });

  it('Windows: the pipe name carries a random part only this user can read; without it nothing is asked', async () => {
    const configDir = path.join(base, 'config');
    const before = agentEndpoint(configDir, { USERNAME: 'alice' }, 'win32');
    expect(before.pipeSecretMissing).toBe(true);
    expect(await askAgent(before, { op: 'ping' }, { warn })).toBeNull();
    const served = await serverEndpoint(configDir, { USERNAME: 'alice' }, 'win32');
    const secretFile = path.join(configDir, PIPE_SECRET_FILE);
    expect((await fs.stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = (await fs.readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(served.address).toMatch(
      new RegExp(`^\\\\\\\\\\.\\\\pipe\\\\pgentra-alice-[0-9a-f]{16}-${secret}$`),
    );
    expect(agentEndpoint(configDir, { USERNAME: 'alice' }, 'win32')).toEqual(served);
    expect(await serverEndpoint(configDir, { USERNAME: 'alice' }, 'win32')).toEqual(served);
  });

  describe('Windows: the agent proves it holds the key in the config folder', () => {
    // A pipe has no owner Node can check and anyone can list its name, so the place cannot vouch;
    // these run the same exchange over a socket, with the key an agent endpoint carries on Windows.
    const served = async () => {
      const configDir = path.join(base, 'config');
      const pipe = await serverEndpoint(configDir, { USERNAME: 'alice' }, 'win32');
      const socketEndpoint: AgentEndpoint = { ...endpoint, proofKey: pipe.proofKey };
      return { pipe, socketEndpoint, keyFile: path.join(configDir, AGENT_KEY_FILE) };
    };

    it('the key is a 0600 file of its own, never part of the pipe name', async () => {
      const { pipe, keyFile } = await served();
      expect((await fs.stat(keyFile)).mode & 0o777).toBe(0o600);
      expect(pipe.proofKey).toMatch(/^[0-9a-f]{32}$/);
      expect(pipe.address).not.toContain(pipe.proofKey);
    });

    it('the real agent answers with the proof, and its answer is used', async () => {
      const { socketEndpoint } = await served();
      const server = await startAgentServer(socketEndpoint, async () => ({
        ok: true,
        token: 'real',
        expiresAt: 1,
      }));
      try {
        expect(await askAgent(socketEndpoint, { op: 'token', cluster: 'prod' }, { warn })).toMatchObject({
          token: 'real',
        });
        expect(warnings).toEqual([]);
      } finally {
        await server.close();
      }
    });

    it('whatever answers without the key is not believed: the client goes on without it and says why', async () => {
      const { socketEndpoint } = await served();
      // Squatting the name: an agent of someone who does not hold this user's key.
      const squatter = await startAgentServer({ ...socketEndpoint, proofKey: 'f'.repeat(32) }, async () => ({
        ok: true,
        token: 'chosen-by-someone-else',
        expiresAt: 1,
      }));
      try {
        expect(await askAgent(socketEndpoint, { op: 'token', cluster: 'prod' }, { warn })).toBeNull();
        expect(warnings.join('\n')).toContain('could not prove it is your agent');
        expect(warnings.join('\n')).not.toContain('chosen-by-someone-else');
      } finally {
        await squatter.close();
      }
    });
  });
});
