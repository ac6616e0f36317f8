// This CLI as another program (pgAdmin, a service manager) should start it: a command that must
// keep working after the user upgrades or switches Node.js.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Node.js installs that a version manager or a package manager replaces: a path inside one of
 * them stops existing (nvm, nvm-windows, fnm, asdf, mise) or changes (Volta, Homebrew's Cellar,
 * where process.execPath is the resolved /opt/homebrew/Cellar/node/24.1.0/bin/node) on the next
 * upgrade, and pgAdmin's password command with it.
 */
const VERSIONED_NODE =
  /[\\/](?:\.nvm[\\/]versions[\\/]node|nvm[\\/]v\d[^\\/]*|\.volta[\\/]tools[\\/]image|fnm[\\/]node-versions|fnm_multishells|\.asdf[\\/]installs[\\/]nodejs|mise[\\/]installs[\\/]node|Cellar[\\/]node(?:@\d+)?)[\\/]/i;

export function isVersionedNodePath(file: string): boolean {
  return VERSIONED_NODE.test(file);
}

export interface SelfCommandInput {
  execPath: string;
  /** The CLI script (process.argv[1]); undefined or equal to execPath for a single binary. */
  script: string | undefined;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The file's resolved path, or null when it is not there. */
  realpath: (file: string) => string | null;
  /** Told when the command names a Node.js that an upgrade will remove. */
  warn?: (message: string) => void;
}

function defaultRealpath(file: string): string | null {
  try {
    return statSync(file).isFile() ? realpathSync(file) : null;
  } catch {
    return null;
  }
}

/** The first `names` on PATH that is not inside a versioned install and passes `accept`. */
function stableOnPath(
  input: SelfCommandInput,
  names: readonly string[],
  accept: (found: string, resolved: string) => boolean,
): string | null {
  const paths = input.platform === 'win32' ? path.win32 : path.posix;
  for (const dir of (input.env.PATH ?? input.env.Path ?? '').split(paths.delimiter).filter(Boolean)) {
    if (!paths.isAbsolute(dir) || isVersionedNodePath(paths.join(dir, '_'))) continue;
    for (const name of names) {
      const candidate = paths.join(dir, name);
      const resolved = input.realpath(candidate);
      if (resolved !== null && accept(candidate, resolved)) return candidate;
    }
  }
  return null;
}

/**
 * The command that starts this CLI: Node and the script, or a single packaged binary. When the
 * Node.js running it sits in a versioned install, a stable name for it is preferred: the same
 * Node under a PATH entry that survives upgrades (Homebrew's /opt/homebrew/bin/node), else a
 * `pgentra` launcher outside any versioned install (Volta's ~/.volta/bin/pgentra shim). Without
 * one the versioned path is kept, and `warn` says what will break and what to do.
 */
export function selfCommand(overrides: Partial<SelfCommandInput> = {}): string[] {
  const input: SelfCommandInput = {
    execPath: process.execPath,
    script: process.argv[1],
    env: process.env,
    platform: process.platform,
    realpath: defaultRealpath,
    ...overrides,
  };
  const paths = input.platform === 'win32' ? path.win32 : path.posix;
  const script = input.script && paths.resolve(input.script);
  if (!script || script === input.execPath) return [input.execPath];
  if (!isVersionedNodePath(input.execPath)) return [input.execPath, script];

  const windows = input.platform === 'win32';
  const node = input.realpath(input.execPath);
  const stableNode =
    !isVersionedNodePath(script) &&
    node !== null &&
    stableOnPath(input, windows ? ['node.exe'] : ['node'], (_, resolved) => resolved === node);
  if (stableNode) return [stableNode, script];
  const launcher = stableOnPath(input, windows ? ['pgentra.exe', 'pgentra.cmd'] : ['pgentra'], () => true);
  if (launcher) return [launcher];
  input.warn?.(
    `the command other programs are given names ${input.execPath}, a Node.js install your version manager ` +
      'removes or replaces when you upgrade or switch Node.js; pgAdmin then can no longer get passwords. ' +
      'Use the pgentra app (its command does not depend on Node.js), or run this again after each Node.js upgrade.',
  );
  return [input.execPath, script];
}
