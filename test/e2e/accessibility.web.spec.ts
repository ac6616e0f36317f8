// Accessibility and the CSP, checked in Chromium on the real window: axe on every view in the
// light, dark and high-contrast themes must find nothing serious or critical (the results are
// attached to the report), and the page must run Fluent UI's styles without one CSP violation,
// while the policy still refuses an inline style with text in it.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { settled, THEMES, useTheme, windowViews } from './window-views.js';

/**
 * Tabs through the view as a keyboard user does and returns every stop that a screen reader
 * cannot see (aria-hidden) or an eye cannot (zero size): there must be none.
 */
async function hiddenTabStops(page: Page, presses: number): Promise<string[]> {
  const hidden: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!(element instanceof HTMLElement) || element === document.body) return null;
      const box = element.getBoundingClientRect();
      const unseen = element.closest('[aria-hidden="true"]') !== null || box.width === 0 || box.height === 0;
      return unseen ? element.outerHTML.slice(0, 120) : null;
    });
    if (stop) hidden.push(stop);
  }
  return hidden;
}

test.describe('accessibility', () => {
  test('axe finds no serious or critical violation on any view, in any theme', async ({
    page,
    testbed,
  }, testInfo) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 960, height: 720 });
    const summary: string[] = [];
    for (const view of windowViews(page, testbed)) {
      await view.enter();
      await settled(page);
      // Tab would close an open menu (as it should): that view is walked with the arrow keys.
      if (view.name !== 'cluster-menu')
        expect(await hiddenTabStops(page, 20), `${view.name}: Tab stops nobody can see`).toEqual([]);
      for (const theme of THEMES) {
        await useTheme(page, theme);
        // Tabster's (Fluent's focus manager) dummy inputs are aria-hidden with a tabindex on
        // purpose: focus passing one is moved on at once, so it is never a stop. axe cannot know
        // that (aria-hidden-focus); the keyboard walk below checks it instead, on every view.
        const results = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
        const blocking = results.violations.filter(
          (violation) => violation.impact === 'serious' || violation.impact === 'critical',
        );
        summary.push(
          `${view.name} (${theme}): ${results.passes.length} rules passed, ` +
            `${blocking.length} serious/critical, ${results.violations.length - blocking.length} minor/moderate`,
        );
        await testInfo.attach(`axe-${view.name}-${theme}.json`, {
          body: JSON.stringify(results.violations, null, 2),
          contentType: 'application/json',
        });
        expect(
          blocking.map((violation) => ({
            rule: violation.id,
            impact: violation.impact,
            help: violation.help,
            targets: violation.nodes.map((node) => node.target.join(' ')),
          })),
          `${view.name} in ${theme}`,
        ).toEqual([]);
      }
      await useTheme(page, 'light');
      await view.leave?.();
    }
    await testInfo.attach('axe-summary.txt', { body: summary.join('\n'), contentType: 'text/plain' });
    console.log(`axe:\n${summary.join('\n')}`);
  });
});

test.describe('content security policy', () => {
  test('Fluent UI styles apply with no CSP violation; an inline style with text is still refused', async ({
    page,
    pageErrors,
  }) => {
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective}: ${event.blockedURI || 'inline'} at ${event.sourceFile}`),
      );
    });
    await page.reload();
    const violations = () =>
      page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    await expect(page.getByRole('heading', { name: 'Get started with pgentra' })).toBeVisible();
    // Styled by Fluent (Griffel's <style> elements): the primary button is filled, not the
    // browser's default grey.
    const primary = page.getByRole('button', { name: 'Sign in with browser' });
    await expect(primary).toHaveCSS('background-color', 'rgb(15, 108, 189)');
    await page.getByRole('tab', { name: /^Settings/ }).click();
    await page.getByRole('tab', { name: /^Accounts/ }).click();
    expect(await violations()).toEqual([]);

    // The policy is not open: a <style> with text in it (what an injected one would be) is refused.
    const applied = await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { outline: 7px solid red; }';
      document.head.append(style);
      return getComputedStyle(document.body).outlineWidth;
    });
    expect(applied).not.toBe('7px');
    await expect.poll(violations).toEqual([expect.stringMatching(/^style-src-elem: inline at /)]);
    // That refusal is the one console error this test expects.
    const refused = pageErrors.findIndex((line) => line.includes('Content Security Policy'));
    expect(refused).toBeGreaterThanOrEqual(0);
    pageErrors.splice(refused, 1);
  });
});
