// Opens a URL in the user's default browser without a shell: the URL is one argv element, so
// nothing in it can be interpreted as a command.
import { spawn } from 'node:child_process';

export function openBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error) =>
      reject(
        new Error(
          `could not open a browser (${command}: ${error.message}); use --no-browser or --device-code`,
        ),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
