import { expect, test } from '@playwright/test';
import { signIn } from './auth';

test.beforeEach(async ({ page }) => signIn(page, 'admin'));

// Smoke test: the app is up, the main navigation is there, and every section answers.
const SECTIONS = ['Overview', 'Experiments', 'Compliance', 'Data'] as const;

test('home page answers 200 and shows the main navigation', async ({ page }) => {
	const response = await page.goto('/');
	expect(response?.status()).toBe(200);
	for (const name of SECTIONS) {
		await expect(page.getByRole('navigation').getByRole('link', { name, exact: true }).first()).toBeVisible();
	}
});

for (const name of SECTIONS) {
	test(`navigation link "${name}" opens a page without a server error`, async ({ page }) => {
		await page.goto('/');
		const link = page.getByRole('navigation').getByRole('link', { name, exact: true }).first();
		const href = await link.getAttribute('href');
		expect(href, `link "${name}" has an href`).toBeTruthy();
		const target = new URL(href!, page.url());

		// Client-side navigation by clicking the link...
		// (a redirect to a sub-page, e.g. /data -> /data/tables, is fine).
		await link.click();
		const prefix = target.pathname.replace(/\/$/, '');
		await expect(page).toHaveURL((url) => url.pathname === target.pathname || url.pathname.startsWith(prefix + '/'));

		// ...and a full server-side render of the same page.
		const response = await page.goto(target.href);
		expect(response, `GET ${target.pathname}`).not.toBeNull();
		expect(response!.status(), `GET ${target.pathname} status`).toBeLessThan(500);
	});
}
