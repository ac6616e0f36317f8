// The window as the README and docs/design-window.md show it: every view (window-views.ts) in
// the light, dark and high-contrast themes. Run with PGENTRA_SCREENSHOTS=1 to rewrite
// docs/screenshots/window-<view>-<theme>.png; playwright.config.ts leaves this file out
// otherwise (accessibility.web.spec.ts walks the same views and checks them).
import { docScreenshot, test } from './fixtures.js';
import { THEMES, useTheme, windowViews } from './window-views.js';

test('every view of the window, in every theme', async ({ page, testbed }, testInfo) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 960, height: 640 });
  for (const view of windowViews(page, testbed)) {
    await view.enter();
    // Settings is long: the window a person would make taller to see it all.
    await page.setViewportSize({ width: 960, height: view.name === 'settings' ? 1280 : 640 });
    await page.mouse.move(0, 0);
    for (const theme of THEMES) {
      await useTheme(page, theme);
      await docScreenshot(page, `window-${view.name}-${theme}`, (name, body) => testInfo.attach(name, body));
    }
    await useTheme(page, 'light');
    await view.leave?.();
  }
});
