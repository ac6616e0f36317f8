// The CLI's Io for tests: not a terminal, an environment the test chooses, and everything written
// to stdout and stderr collected in `out` and `err`.
import type { Io } from '../../../electron/cli/io.js';

export function testIo(env: NodeJS.ProcessEnv = {}): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env,
    interactive: false,
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}
