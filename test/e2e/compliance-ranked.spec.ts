import { expect, test, type Page } from '@playwright/test';
import { signIn } from './auth';

// The ranked views and the findings list's sort on the demo store, as a compliance officer: the
// accounts with the most findings, sorted by count both ways and by severity, the top account's
// timeline one click away; an agent's row opens the list filtered by the agent; the findings list
// sorts by a column; the tables fit 1280 and 1440 pixels; a bad value is a 400 that names it.

const numbers = async (page: Page, testId: string) => (await page.getByTestId(testId).allTextContents()).map((t) => Number(t.replace(/[^\d]/g, '')));
const isSorted = (xs: number[], dir: 'asc' | 'desc') => xs.every((x, i) => i === 0 || (dir === 'asc' ? xs[i - 1]! <= x : xs[i - 1]! >= x));

test('the ranked view: accounts by findings, both ways, then the top account opens its timeline', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance');
	await page.getByRole('navigation', { name: 'Compliance' }).getByRole('link', { name: 'Ranked', exact: true }).click();
	await expect(page).toHaveURL(/\/compliance\/ranked$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ranked: worst first');
	await expect(page.getByTestId('by-account')).toHaveAttribute('aria-current', 'page');
	const rows = page.getByTestId('ranked-row');
	await expect(rows.first()).toBeVisible();
	expect(await rows.count()).toBeGreaterThan(1);

	// most findings first (the default), then fewest first by the header, then most again
	expect(isSorted(await numbers(page, 'ranked-findings'), 'desc')).toBe(true);
	await page.getByTestId('sort-findings').click();
	await expect(page).toHaveURL(/order=findings&sort=asc/);
	const asc = await numbers(page, 'ranked-findings');
	expect(isSorted(asc, 'asc')).toBe(true);
	await page.getByTestId('sort-findings').click();
	await expect(page).toHaveURL(/order=findings/);
	await expect(page).not.toHaveURL(/sort=asc/);
	const desc = await numbers(page, 'ranked-findings');
	expect(isSorted(desc, 'desc')).toBe(true);
	expect(desc[0]).toBeGreaterThan(asc[0]!);
	await expect(page.locator('th[aria-sort="descending"]')).toContainText('Findings');

	// the top account: its timeline in one click
	const top = rows.first();
	const account = (await top.getByTestId('ranked-findings-link').textContent())!.trim();
	const link = top.getByTestId('ranked-timeline-link');
	const href = (await link.getAttribute('href'))!;
	expect(href).toMatch(new RegExp(`^/compliance/people/[^/?]+\\?account=${account}&date=\\d{4}-\\d{2}-\\d{2}$`));
	await link.click();
	await expect(page).toHaveURL((u) => u.pathname + u.search === href);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.locator('main')).toContainText(account);
});

test('by severity, and by agent: a row opens the findings list filtered by the agent, as many as it counts', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/ranked');
	await page.getByTestId('order-severity').click();
	await expect(page).toHaveURL(/order=severity/);
	const rows = page.getByTestId('ranked-row');
	const kinds = await rows.evaluateAll((trs) => trs.map((tr) => [3, 4, 5].map((i) => Number(tr.children[i]!.textContent!.replace(/[^\d]/g, '')))));
	for (let i = 1; i < kinds.length; i++) {
		const [a, b] = [kinds[i - 1]!, kinds[i]!];
		expect(a[0]! > b[0]! || (a[0] === b[0] && (a[1]! > b[1]! || (a[1] === b[1] && a[2]! >= b[2]!))), `row ${i + 1}`).toBe(true);
	}

	await page.getByTestId('by-agent').click();
	await expect(page).toHaveURL(/by=agent/);
	await expect(page).not.toHaveURL(/order=/);
	const first = rows.first();
	const count = Number((await first.getByTestId('ranked-findings').textContent())!.replace(/[^\d]/g, ''));
	const agent = (await first.getByTestId('ranked-findings-link').textContent())!.trim();
	await first.getByTestId('ranked-findings-link').click();
	await expect(page).toHaveURL(new RegExp(`/compliance/findings\\?agent=${agent}$`));
	await expect(page.locator('#findings-h')).toHaveText(`${count.toLocaleString('en-US')} finding${count === 1 ? '' : 's'}`);
});

test('the findings list sorts by any column, and fits 1280 and 1440 pixels', async ({ page }) => {
	await signIn(page, 'compliance');
	for (const width of [1280, 1440]) {
		await page.setViewportSize({ width, height: 900 });
		await page.goto('/compliance/findings');
		const table = page.getByTestId('findings-table');
		await expect(table).toBeVisible();
		const [wrap, doc] = await page.evaluate(() => {
			const w = document.querySelector('[data-testid="findings-table"]')!.parentElement!;
			return [
				[w.scrollWidth, w.clientWidth],
				[document.documentElement.scrollWidth, document.documentElement.clientWidth]
			];
		});
		expect(wrap[0], `the findings table at ${width} px`).toBeLessThanOrEqual(wrap[1]!);
		expect(doc[0], `the page at ${width} px`).toBeLessThanOrEqual(doc[1]!);
		// the evidence column ends inside the page
		const box = await table.locator('thead th').last().boundingBox();
		expect(box!.x + box!.width).toBeLessThanOrEqual(width);
	}
	await page.getByTestId('sort-contacts').click();
	await expect(page).toHaveURL(/order=contacts/);
	const contacts = (await page.getByTestId('finding-row').locator('td:nth-child(7)').allTextContents()).map((t) => Number(t.replace(/[^\d]/g, '')));
	expect(isSorted(contacts, 'desc')).toBe(true);
	expect(contacts[0]).toBeGreaterThan(1);
	// a filter keeps the order
	await page.getByLabel('Kind').selectOption('violation');
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/order=contacts/);
	await expect(page).toHaveURL(/kind=violation/);
});

test('the ranked table fits 1280 pixels and a phone', async ({ page }) => {
	await signIn(page, 'compliance');
	for (const [width, by] of [[1280, 'rule'], [1280, 'account'], [390, 'rule']] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.goto(`/compliance/ranked?by=${by}`);
		await expect(page.getByTestId('ranked-table')).toBeVisible();
		const doc = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
		expect(doc[0], `the page at ${width} px by ${by}`).toBeLessThanOrEqual(doc[1]!);
		if (width === 1280) {
			const wrap = await page.evaluate(() => {
				const w = document.querySelector('[data-testid="ranked-table"]')!.parentElement!;
				return [w.scrollWidth, w.clientWidth];
			});
			expect(wrap[0]).toBeLessThanOrEqual(wrap[1]!);
		}
	}
});

test('a bad ranking value is a 400 that says which and what it takes', async ({ page }) => {
	await signIn(page, 'compliance');
	const res = await page.goto('/compliance/ranked?by=colour&order=size');
	expect(res?.status()).toBe(400);
	await expect(page.locator('main')).toContainText('by is what to rank, one of account, customer, agent, template, number, rule (got "colour")');
	await expect(page.locator('main')).toContainText('order is the column to sort by');
	const list = await page.goto('/compliance/findings?order=colour');
	expect(list?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('order is the column to sort by, one of date, rule, pack, kind, person, debt, contacts, evidence, channel, agent, template (got "colour")');
});

test('leadership may not open the ranked views', async ({ page }) => {
	await signIn(page, 'leadership');
	expect((await page.goto('/compliance/ranked'))?.status()).toBe(403);
});
