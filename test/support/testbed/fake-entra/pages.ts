// The few HTML pages a browser sees: Entra's auto-submitting form_post page (what carries the
// code back to msal-node's loopback server) and a minimal stand-in for microsoft.com/devicelogin.
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string, onload = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body${onload ? ` onload="${onload}"` : ''}>${body}</body></html>`;

/** Entra answers `response_mode=form_post` with a page that POSTs the result to the redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string | undefined>): string {
  const inputs = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return page(
    'Working...',
    `<form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}` +
      `<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>`,
    'document.forms[0].submit()',
  );
}

export function deviceLoginPage(options: { error?: string; signedInAs?: string; appName: string }): string {
  if (options.signedInAs)
    return page(
      'Signed in',
      `<h1>You're signed in</h1><p id="done">You have signed in to the ${escapeHtml(options.appName)} application on your device as ${escapeHtml(options.signedInAs)}. You may now close this window.</p>`,
    );
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>` +
      (options.error ? `<p id="error" role="alert">${escapeHtml(options.error)}</p>` : '') +
      `<form method="POST"><label>Code <input name="otc" id="otc" autocomplete="off" autofocus></label>` +
      `<button type="submit" id="next">Next</button></form>`,
  );
}

export function signInErrorPage(description: string): string {
  return page(
    'Sign in',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p id="error">${escapeHtml(description)}</p>`,
  );
}
