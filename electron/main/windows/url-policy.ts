// Which URLs the app trusts, as pure functions: the renderer page IPC may come from, the links
// the system browser may open, and the CSP the session adds to every response.

/**
 * A file URL's path as Windows compares it: the drive letter in one case. Chromium reports the
 * page as `file:///C:/…` (url/url_canon_fileurl.cc, FileDoDriveSpec: "Normalize Windows drive
 * letters to uppercase"), while Node's pathToFileURL and the WHATWG parser keep the letter as the
 * path spelled it, and `__dirname` is `c:\…` when the app was started through a lower-case path.
 */
function comparablePath(pathname: string, platform: NodeJS.Platform): string {
  return platform === 'win32'
    ? pathname.replace(/^\/([A-Za-z]):\//, (_m, drive: string) => `/${drive.toUpperCase()}:/`)
    : pathname;
}

/**
 * True when `url` is exactly our renderer page (`file://…/dist/renderer/index.html`), ignoring
 * the query and hash (and, on Windows, the case of the drive letter). Compared after URL
 * parsing, never with startsWith: `file://evil/…`, `…/index.html/../x` and look-alike paths all
 * fail.
 */
export function isAllowedRendererUrl(url: string, rendererUrl: string, platform: NodeJS.Platform): boolean {
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  return (
    actual.protocol === expected.protocol &&
    actual.host === expected.host &&
    comparablePath(actual.pathname, platform) === comparablePath(expected.pathname, platform) &&
    actual.username === '' &&
    actual.password === ''
  );
}

/** Links the user may follow into the system browser: plain web pages, nothing else. */
export function isSafeExternalUrl(url: string, protocols: readonly string[] = ['https:', 'http:']): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return protocols.includes(parsed.protocol) && parsed.hostname !== '' && parsed.username === '';
}

/** CSP hash-source of the empty string (sha256 of zero bytes, base64). */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * The policy the session sends with every response, on top of the `<meta>` in index.html (both
 * apply; the stricter wins). No WebSocket here: only the preview host needs one.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // The hash of the empty string: Fluent UI's empty <style> elements, filled through the CSSOM
  // (see renderer/index.html); any inline style with text in it is still refused.
  `style-src 'self' ${EMPTY_STYLE_HASH}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
