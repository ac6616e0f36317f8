// `pgentra agent` while the tray app (or another agent) serves the socket: a refusal that says who
// runs, as a configuration failure (exit 5), never "unexpected error" with a bare pid.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODE_BY_CATEGORY, reportError } from '../../../../electron/cli/exit-codes.js';
import { agentEndpoint, type AgentEndpoint } from '../../../../electron/core/agent/paths.js';
import { startAgentServer, type AgentServer } from '../../../../electron/core/agent/server.js';
import type { AgentOwner } from '../../../../electron/core/agent/protocol.js';

describe('a second agent', () => {
  let base: string;
  let endpoint: AgentEndpoint;
  let first: AgentServer | undefined;

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-agent2-'));
    endpoint = agentEndpoint(path.join(base, 'config'), { XDG_RUNTIME_DIR: path.join(base, 'run') }, 'linux');
  });
  afterEach(async () => {
    await first?.close();
    await fs.rm(base, { recursive: true, force: true });
  });

  it.each<[AgentOwner, RegExp]>([
    ['tray', /^pgentra: the pgentra tray app \(pid 4242\) is running and already keeps these tokens fresh/],
    ['agent', /^pgentra: another `pgentra agent` \(pid 4242\) is already serving this configuration/],
  ])('while the %s serves, says so and exits with the config code', async (owner, words) => {
    first = await startAgentServer(endpoint, async () => ({ ok: true, pong: true, pid: 4242, owner }));
    const error = await startAgentServer(endpoint, async () => ({ ok: true, pong: true, pid: 1 })).catch(
      (e: unknown) => e,
    );
    let stderr = '';
    const code = reportError(error, { stderr: (text) => (stderr += text) });
    expect(code).toBe(EXIT_CODE_BY_CATEGORY.config);
    expect(stderr).toMatch(words);
    expect(stderr).not.toContain('unexpected error');
  });
});
