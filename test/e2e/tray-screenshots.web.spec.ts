// The tray menu and icon states for docs/screenshots/: the previewed tray (the real tray model,
// icons and title) with two clusters, a cluster's submenu open, in the macOS and the Windows look,
// light and dark; and every icon state as the app draws it. Run with PGENTRA_SCREENSHOTS=1 to
// rewrite docs/screenshots/tray-menu-*.png and tray-icon-states.png; playwright.config.ts leaves
// this file out otherwise, since tray.web.spec.ts checks the same tray and a normal run must not
// write into docs/.
import {
  docScreenshot,
  expect,
  expectFresh,
  clusterItem,
  openTray,
  seedClusters,
  signedInWithFlex,
  test,
  testbedCluster,
  trayIcon,
  trayMenu,
} from './fixtures.js';

test('tray menu screenshots: macOS and Windows looks, light and dark', async ({
  page,
  host,
  testbed,
  pageErrors,
}, testInfo) => {
  await signedInWithFlex(page, testbed);
  await seedClusters(page, [testbedCluster(testbed, 'shop', 'cosmos')]);
  await expectFresh(clusterItem(page, 'shop'));
  for (const look of ['mac', 'windows'] as const) {
    const tray = await openTray(page, host, pageErrors, look);
    for (const scheme of ['light', 'dark'] as const) {
      await tray.emulateMedia({ colorScheme: scheme });
      await trayIcon(tray).click();
      const cluster = trayMenu(tray).getByRole('menuitem', { name: /^flex — / });
      await cluster.hover();
      await expect(tray.getByRole('menu', { name: /^flex — / })).toBeVisible();
      await tray
        .getByRole('menu', { name: /^flex — / })
        .getByRole('menuitem', { name: 'Open psql' })
        .hover();
      await docScreenshot(tray.getByTestId('tray-stage'), `tray-menu-${look}-${scheme}`, (n, b) =>
        testInfo.attach(n, b),
      );
      await tray.keyboard.press('Escape');
      await tray.keyboard.press('Escape');
      await expect(trayMenu(tray)).toHaveCount(0);
    }
    await tray.close();
  }
});

test('tray icon states: every level at 16–32 px, the macOS template and the app icon', async ({
  page,
  host,
}, testInfo) => {
  await page.goto(host.url.replace('/?', '/tray-icons.html?'));
  const sheet = page.locator('#sheet');
  await expect(sheet.getByRole('row')).toHaveCount(9);
  await docScreenshot(sheet, 'tray-icon-states', (n, b) => testInfo.attach(n, b));
});
