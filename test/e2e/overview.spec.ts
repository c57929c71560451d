import { expect, test } from '@playwright/test';
import { signIn } from './auth';

test.beforeEach(async ({ page }) => signIn(page, 'leadership'));

test('the KPI tiles are rendered on the server, with their definition one click away', async ({ page }) => {
	// the HTML as sent, before any script runs, already holds the numbers
	const html = await (await page.request.get('/overview')).text();
	expect(html).toMatch(/data-testid="kpi-cure_rate_30d"[\s\S]*?\d+\.\d%/);
	await page.goto('/overview');
	const tile = page.getByTestId('kpi-cure_rate_30d');
	await expect(tile).toContainText('Cure rate (30 days)');
	await expect(tile).toContainText(/\d+\.\d%/);
	await tile.getByRole('group').or(tile.locator('summary')).first().focus();
	await page.keyboard.press('Enter');
	await expect(tile).toContainText('Only mature episodes count');
	for (const name of ['days_to_pay_median', 'complaints_per_1k_contacted', 'contact_load_over_threshold']) {
		await expect(page.getByTestId(`kpi-${name}`)).toBeVisible();
	}
});

test('a bad filter in the URL gets a clear message, not a server error', async ({ page }) => {
	const res = await page.goto('/overview?from=2026-13-01&segment=gov');
	expect(res?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('showing the last 90 days');
	await expect(page.getByRole('alert')).toContainText('segment must be retail, sme or corporate');
});

test('a period with no episodes shows "no data", not 0% or NaN', async ({ page }) => {
	await page.goto('/overview?from=2020-01-01&to=2020-01-31');
	await expect(page.getByTestId('kpi-cure_rate_30d')).toContainText('no data');
	await expect(page.locator('body')).not.toContainText('NaN');
});
