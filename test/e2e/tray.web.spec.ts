// The tray as a person meets it, in the preview host's tray page: the real tray model built from
// the same snapshot as the window's list, the drawn icon and macOS title, and menu items that run
// the same actions as the native tray (the preview records launches, clipboard and notices).
import type { Page } from '@playwright/test';
import type { AppSnapshot } from '../../electron/shared/ipc-contract.js';
import {
  clusterItem,
  expect,
  expectFresh,
  openTray,
  seedClusters,
  signedInWithFlex,
  tab,
  testbedCluster,
  test,
  trayIcon,
  trayMenu,
} from './fixtures.js';

declare global {
  interface Window {
    receivedSnapshots?: AppSnapshot[];
  }
}

/** Records every snapshot the window is sent, through its own window.pgentra. */
async function recordWindowSnapshots(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.receivedSnapshots = [];
    window.pgentra?.onSnapshot((snapshot) => window.receivedSnapshots?.push(snapshot));
  });
}

async function lastWindowSnapshot(page: Page): Promise<{ now: number; clusters: string[] } | null> {
  return page.evaluate(() => {
    const last = window.receivedSnapshots?.at(-1);
    return last ? { now: last.now, clusters: last.clusters.map((c) => c.name) } : null;
  });
}

/** The cluster entries of the open tray menu, by the cluster name before " — ". */
async function trayClusters(tray: Page): Promise<string[]> {
  const labels = await trayMenu(tray)
    .locator(':scope > [role="menuitem"][data-id^="cluster:"] > .label')
    .allTextContents();
  return labels.map((label) => label.split(' — ')[0] ?? '');
}

test.describe('the tray in the preview', () => {
  test('the tray menu and the window list show the same snapshot', async ({
    page,
    host,
    testbed,
    pageErrors,
  }) => {
    await signedInWithFlex(page, testbed);
    const tray = await openTray(page, host, pageErrors);
    await recordWindowSnapshots(page);

    await seedClusters(page, [testbedCluster(testbed, 'shop', 'cosmos')]);
    await expectFresh(clusterItem(page, 'shop'));

    // Every broadcast reaches both faces; once the stream settles, the tray's view was built
    // from the very snapshot the window last received (same clock reading, same clusters).
    await expect
      .poll(async () => {
        const window = await lastWindowSnapshot(page);
        const trayNow = Number(await tray.getByTestId('tray-stage').getAttribute('data-snapshot-now'));
        return window !== null && window.now === trayNow;
      })
      .toBe(true);
    await trayIcon(tray).click();
    // A token issued within the same second reads "1 h 00 min left", a moment later "59 min left".
    await expect(
      trayMenu(tray).getByRole('menuitem', { name: /^shop — (\d+|1 h \d\d) min left$/ }),
    ).toBeVisible();
    const window = await lastWindowSnapshot(page);
    expect(await trayClusters(tray)).toEqual(window?.clusters);
    expect(window?.clusters).toEqual(['flex', 'shop']);
  });

  test('shows the drawn icon, the tooltip and the macOS title for the soonest token', async ({
    page,
    host,
    testbed,
    pageErrors,
  }) => {
    await signedInWithFlex(page, testbed);
    const tray = await openTray(page, host, pageErrors, 'mac');
    await expect(tray.getByTestId('tray-stage')).toHaveAttribute('data-level', 'fresh');
    await expect(trayIcon(tray)).toHaveAccessibleName(/^pgentra: flex: (\d+|1 h \d\d) min left$/);
    await expect(tray.getByTestId('tray-title')).toHaveText(/^\d+m$/);
    const icon = trayIcon(tray).locator('img');
    await expect(icon).toHaveJSProperty('naturalWidth', 16);

    await tray.getByLabel('Look').selectOption('windows');
    // Windows has no title beside the icon: the minutes are drawn in the badge.
    await expect(tray.getByTestId('tray-title')).toHaveCount(0);
    await expect(tray.getByRole('toolbar', { name: 'Taskbar' })).toBeVisible();
  });

  test('menu items run the tray’s actions: psql, connection string, Settings…, start at login', async ({
    page,
    host,
    testbed,
    pageErrors,
  }) => {
    await signedInWithFlex(page, testbed);
    const tray = await openTray(page, host, pageErrors, 'windows');
    const openCluster = async () => {
      await trayIcon(tray).click();
      await trayMenu(tray)
        .getByRole('menuitem', { name: /^flex — / })
        .hover();
      return tray.getByRole('menu', { name: /^flex — / });
    };

    await (await openCluster()).getByRole('menuitem', { name: 'Open psql' }).click();
    await expect.poll(() => host.launches()).toEqual([{ tool: 'psql', cluster: 'flex' }]);
    // A chosen item closes the menu, as a native one does.
    await expect(trayMenu(tray)).toHaveCount(0);

    await (await openCluster()).getByRole('menuitem', { name: 'Copy connection string' }).click();
    await expect.poll(() => host.clipboardText()).toContain(`host=${testbed.facts.gateways.flexible.host}`);

    await trayIcon(tray).click();
    await trayMenu(tray).getByRole('menuitem', { name: 'Settings…' }).click();
    await expect(tab(page, 'Settings')).toHaveAttribute('aria-selected', 'true');

    await trayIcon(tray).click();
    const startAtLogin = trayMenu(tray).getByRole('menuitemcheckbox', { name: 'Start at login' });
    await expect(startAtLogin).toHaveAttribute('aria-checked', 'false');
    const stage = tray.getByTestId('tray-stage');
    const before = (await stage.getAttribute('data-snapshot-now')) ?? '';
    await startAtLogin.click();
    // The setting is saved, and the next snapshot reaches the (closed) menu.
    await expect(stage).not.toHaveAttribute('data-snapshot-now', before);
    await trayIcon(tray).click();
    await expect(startAtLogin).toHaveAttribute('aria-checked', 'true');

    await trayMenu(tray).getByRole('menuitem', { name: 'Quit pgentra' }).click();
    await expect.poll(() => host.quitRequests()).toBe(1);
  });

  test('when sign-in is needed the icon and menu say so, and token items are disabled', async ({
    page,
    host,
    testbed,
    pageErrors,
  }) => {
    const row = await signedInWithFlex(page, testbed);
    const tray = await openTray(page, host, pageErrors, 'mac');
    testbed.entra.revokeRefreshTokens();
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(tray.getByTestId('tray-stage')).toHaveAttribute('data-level', 'needs-sign-in');
    await expect(tray.getByTestId('tray-title')).toHaveText('⚠ sign in');

    // By keyboard: Enter opens the menu, arrows move, → opens the cluster's submenu.
    await trayIcon(tray).focus();
    await tray.keyboard.press('Enter');
    await expect(trayMenu(tray).getByRole('menuitem', { name: 'flex — sign-in needed' })).toBeFocused();
    await tray.keyboard.press('ArrowRight');
    const submenu = tray.getByRole('menu', { name: 'flex — sign-in needed' });
    await expect(submenu.getByRole('menuitem', { name: 'Sign in…' })).toBeFocused();
    await expect(submenu.getByRole('menuitem', { name: 'Copy token' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await expect(submenu.getByRole('menuitem', { name: 'Refresh now' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await tray.keyboard.press('Enter');
    // "Sign in…" starts the browser sign-in, exactly as the native tray's item does.
    await expect.poll(() => host.browserUrls()).toHaveLength(1);
    await expect(trayMenu(tray)).toHaveCount(0);

    // A disabled item does nothing, and the menu stays open, as a native one does.
    await trayIcon(tray).click();
    await trayMenu(tray).getByRole('menuitem', { name: 'flex — sign-in needed' }).hover();
    await submenu.getByRole('menuitem', { name: 'Copy token' }).click({ force: true });
    await expect(submenu).toBeVisible();
    expect(await host.clipboardText()).toBe('');
  });
});
