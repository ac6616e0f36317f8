import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright never downloads a browser here (no internet in CI).
export const chromiumLaunch = {
  executablePath: process.env.PGENTRA_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/playwright.json' }],
  ],
  use: { launchOptions: chromiumLaunch, screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'web',
      testMatch: /.*\.web\.spec\.ts/,
      // Docs generators, not checks (ui.web.spec.ts, accessibility.web.spec.ts and tray.web.spec.ts
      // check these states): only when asked for.
      testIgnore:
        process.env.PGENTRA_SCREENSHOTS === '1'
          ? []
          : /(troubleshooting|tray-screenshots|window-screenshots)\.web\.spec\.ts/,
    },
    { name: 'electron', testMatch: /.*\.electron\.spec\.ts/ },
  ],
});
