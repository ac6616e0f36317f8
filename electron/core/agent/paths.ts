// Where the agent listens. Kept free of heavy imports: `pgentra token` computes this on its fast path.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface AgentEndpoint {
  /** Unix socket path or Windows named pipe. */
  address: string;
  /** POSIX: the private directory the socket lives in (0700, ours); absent on Windows. */
  directory?: string;
  /** Windows: no agent has created the pipe secret yet, so there is nothing safe to connect to. */
  pipeSecretMissing?: boolean;
  /**
   * Windows: a key only this user can read. A pipe has no owner Node can check and its name can
   * be listed by anyone, so the agent proves it holds the key (an HMAC of the client's challenge).
   */
  proofKey?: string;
  /**
   * A forward's socket named by PGENTRA_AGENT (made by sshd, a relay or a container mount): its
   * folder is not ours to vouch for, so the socket itself must be ours and closed to others.
   */
  forwarded?: boolean;
}

/** The variable naming a forwarded agent's socket, which every pgentra command asks first. */
export const FORWARD_VARIABLE = 'PGENTRA_AGENT';

/** The forwarded agent named in `env`, if any. */
export function forwardedEndpoint(env: NodeJS.ProcessEnv): AgentEndpoint | undefined {
  const address = env[FORWARD_VARIABLE]?.trim();
  return address ? { address: path.resolve(address), forwarded: true } : undefined;
}

/**
 * Windows: the file in the config dir holding the pipe name's random part. Pipe names are
 * global and can be created by anyone, so a predictable one could be taken by another user
 * before the agent starts; only this user (the profile folder is theirs) can read the name.
 */
export const PIPE_SECRET_FILE = 'agent-pipe.id';
/** Windows: the key the agent proves it holds (never sent, never part of a name). */
export const AGENT_KEY_FILE = 'agent.key';
export const PIPE_SECRET_PATTERN = /^[0-9a-f]{32}$/;

/** A secret file's value, or undefined when no agent has ever written one (or it is bad). */
export function readSecretFile(configDir: string, file: string): string | undefined {
  try {
    const text = readFileSync(path.join(configDir, file), 'utf8').trim();
    return PIPE_SECRET_PATTERN.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

export const readPipeSecret = (configDir: string): string | undefined =>
  readSecretFile(configDir, PIPE_SECRET_FILE);

/**
 * One agent per config dir (per PGENTRA_HOME), so a test or second profile never talks to the
 * wrong agent. Socket paths are capped near 104 bytes on macOS, so the name is a short hash
 * inside a short runtime directory rather than a path under the config dir. On Windows the pipe
 * name ends in the pipe secret and the agent must prove it holds the key; without them,
 * `pipeSecretMissing` says no agent can be running.
 */
export function agentEndpoint(
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  pipeSecret: string | undefined = platform === 'win32' ? readPipeSecret(configDir) : undefined,
  proofKey: string | undefined = platform === 'win32' ? readSecretFile(configDir, AGENT_KEY_FILE) : undefined,
): AgentEndpoint {
  const id = fnv1a64(path.resolve(configDir));
  if (platform === 'win32') {
    const user = (env.USERNAME ?? os.userInfo().username).replace(/[^A-Za-z0-9._-]/g, '_');
    const address = `\\\\.\\pipe\\pgentra-${user}-${id}`;
    return pipeSecret && proofKey
      ? { address: `${address}-${pipeSecret}`, proofKey }
      : { address, pipeSecretMissing: true };
  }
  const runtime =
    env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
  const directory = runtime
    ? path.join(runtime, 'pgentra')
    : path.join(os.tmpdir(), `pgentra-${os.userInfo().uid}`);
  return { address: path.join(directory, `agent-${id}.sock`), directory };
}

/**
 * A name, not a secret: the 0700 directory and the same-user check guard the socket. FNV-1a
 * rather than node:crypto because loading crypto is a measurable share of `pgentra token`.
 */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
