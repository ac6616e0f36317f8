// This CLI as another program (pgAdmin, a service manager) should start it.
import path from 'node:path';

/** Node and the script, or a single packaged binary. */
export function selfCommand(): string[] {
  const script = process.argv[1];
  return script && path.resolve(script) !== process.execPath
    ? [process.execPath, path.resolve(script)]
    : [process.execPath];
}
