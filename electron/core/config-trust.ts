// Whoever can write config.json decides which terminal pgentra starts and where tokens are written,
// so, as ssh does with ~/.ssh/config, a config file or directory that another user owns or that
// group or others may write is refused rather than read. Windows has no POSIX modes (its ACLs
// are not visible through lstat), so there only ownership as the FileSystem port reports it is
// checked, which is always true there: the check is POSIX-only.
import { PgentraError } from './errors.js';
import type { FileSystem } from './ports.js';

const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * Throws `config-unsafe` naming the path and the command that fixes it. A missing file or
 * directory is fine (nothing to trust yet). A symlink's own mode means nothing, and its target
 * lives wherever the user keeps dotfiles: a symlink is judged by its owner only.
 */
export async function assertConfigTrusted(
  fs: FileSystem,
  paths: { dir: string; file: string },
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  if (platform === 'win32') return;
  for (const [target, isDir] of [
    [paths.dir, true],
    [paths.file, false],
  ] as const) {
    const stat = await fs.lstat(target);
    if (!stat) continue;
    const what = isDir ? 'folder' : 'file';
    if (!stat.ownedByMe)
      throw new PgentraError(
        'config-unsafe',
        `refusing to read the configuration: the ${what} ${target} belongs to another user, who could make pgentra run their commands. Fix: \`sudo chown "$(id -un)" '${target}'\` (or remove it).`,
        { file: target },
      );
    if (!stat.isSymbolicLink && (stat.mode & GROUP_OR_OTHER_WRITE) !== 0)
      throw new PgentraError(
        'config-unsafe',
        `refusing to read the configuration: the ${what} ${target} can be changed by other users (mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}), who could make pgentra run their commands. Fix: \`chmod ${isDir ? '700' : '600'} '${target}'\`.`,
        { file: target },
      );
  }
}
