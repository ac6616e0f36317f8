// Where the agent listens. Kept free of heavy imports: `pgentra token` computes this on its fast path.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface AgentEndpoint {
  /** Unix socket path or Windows named pipe. */
  address: string;
  /** POSIX: the private directory the socket lives in (0700, ours); absent on Windows. */
  directory?: string;
}

/**
 * One agent per config dir (per PGENTRA_HOME), so a test or second profile never talks to the
 * wrong agent. Socket paths are capped near 104 bytes on macOS, so the name is a short hash
 * inside a short runtime directory rather than a path under the config dir.
 */
export function agentEndpoint(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): AgentEndpoint {
  const id = createHash('sha256').update(path.resolve(configDir)).digest('hex').slice(0, 16);
  if (platform === 'win32') {
    const user = (env.USERNAME ?? os.userInfo().username).replace(/[^A-Za-z0-9._-]/g, '_');
    return { address: `\\\\.\\pipe\\pgentra-${user}-${id}` };
  }
  const runtime =
    env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
  const directory = runtime
    ? path.join(runtime, 'pgentra')
    : path.join(os.tmpdir(), `pgentra-${os.userInfo().uid}`);
  return { address: path.join(directory, `agent-${id}.sock`), directory };
}
