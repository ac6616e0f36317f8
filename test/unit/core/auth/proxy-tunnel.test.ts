// Which proxy the CLI's https client uses for a request: curl's HTTPS_PROXY / NO_PROXY rules.
import { describe, expect, it } from 'vitest';
import { proxyFromEnv } from '../../../../electron/core/auth/proxy-tunnel.js';

const login = new URL('https://login.microsoftonline.com/common/oauth2/v2.0/token');

describe('proxyFromEnv', () => {
  it('uses HTTPS_PROXY or https_proxy, a bare host:port meaning http://', () => {
    expect(proxyFromEnv(login, {})).toBeUndefined();
    expect(proxyFromEnv(login, { HTTPS_PROXY: 'http://proxy:3128' })?.href).toBe('http://proxy:3128/');
    expect(proxyFromEnv(login, { https_proxy: 'proxy.corp:8080' })?.href).toBe('http://proxy.corp:8080/');
    expect(proxyFromEnv(login, { HTTPS_PROXY: 'https://u:p@proxy:443' })?.username).toBe('u');
    // HTTP_PROXY is for http:// requests; identity requests are https only.
    expect(proxyFromEnv(login, { HTTP_PROXY: 'http://proxy:3128' })).toBeUndefined();
  });

  it('skips hosts NO_PROXY names: *, exact names, domain suffixes with or without a dot, host:port', () => {
    const proxy = { HTTPS_PROXY: 'http://proxy:3128' };
    for (const noProxy of [
      '*',
      'login.microsoftonline.com',
      'microsoftonline.com',
      '.microsoftonline.com',
      '*.microsoftonline.com',
      'x.example, login.microsoftonline.com:443',
    ])
      expect(proxyFromEnv(login, { ...proxy, NO_PROXY: noProxy }), noProxy).toBeUndefined();
    for (const noProxy of ['online.com', 'login.microsoftonline.com:8443', 'example.com'])
      expect(proxyFromEnv(login, { ...proxy, no_proxy: noProxy }), noProxy).toBeDefined();
  });

  it('refuses a proxy it cannot use, without echoing its password', () => {
    expect(() => proxyFromEnv(login, { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(
      'HTTPS_PROXY must be an http:// or https:// proxy, not socks5:',
    );
    expect(() => proxyFromEnv(login, { HTTPS_PROXY: 'http://u:s3cret@[bad' })).toThrow(
      /HTTPS_PROXY is not a URL/,
    );
    expect(() => proxyFromEnv(login, { HTTPS_PROXY: 'http://u:s3cret@[bad' })).not.toThrow(/s3cret/);
  });
});
