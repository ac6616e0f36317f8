// Which URLs the app trusts, as pure functions: the renderer page IPC may come from, the links
// the system browser may open, and the CSP the session adds to every response.

/**
 * True when `url` is exactly our renderer page (`file://…/dist/renderer/index.html`), ignoring
 * the query and hash. Compared after URL parsing, never with startsWith: `file://evil/…`,
 * `…/index.html/../x` and look-alike paths all fail.
 */
export function isAllowedRendererUrl(url: string, rendererUrl: string): boolean {
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
    actual.pathname === expected.pathname &&
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

/**
 * The policy the session sends with every response, on top of the `<meta>` in index.html (both
 * apply; the stricter wins). No WebSocket here: only the preview host needs one.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
