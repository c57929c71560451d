import { expect, test, type Page } from '@playwright/test';
import { signIn } from './auth';

// The account timeline on the demo store, whose import ran the audit: a compliance officer
// opens a finding's person from the findings list and sees the calendar (a row per local date,
// marks for the contacts, the finding's contacts ringed), the date asked for highlighted, the
// contact list with finding tags that lead to the rule, all reachable by keyboard; bad
// parameters and an unknown person get clear messages; leadership is refused.

/** the timeline link of the first finding on the findings list */
async function firstFindingTimeline(page: Page): Promise<string> {
	await page.goto('/compliance/findings');
	const link = page.getByTestId('timeline-link').first();
	await expect(link, 'the demo audit has findings, and each links to its timeline').toBeVisible();
	const href = await link.getAttribute('href');
	expect(href).toMatch(/^\/compliance\/people\/[^/?]+\?.*date=\d{4}-\d{2}-\d{2}/);
	return href!;
}

test('a compliance officer opens the timeline of a person with findings', async ({ page }) => {
	await signIn(page, 'compliance');
	const href = await firstFindingTimeline(page);
	const date = new URL(href, 'http://x').searchParams.get('date')!;
	const response = await page.goto(href);
	expect(response?.status()).toBe(200);

	await expect(page.getByTestId('timeline-person')).toContainText('Person ');
	await expect(page.getByTestId('timeline-debts').locator('tbody tr')).not.toHaveCount(0);
	await expect(page.getByTestId('timeline-audit')).toContainText('Findings of audit #');

	// the calendar: the finding's date is a highlighted row; marks are links with the contact in words
	const calendar = page.getByTestId('timeline-calendar');
	await expect(page.getByTestId('timeline-summary')).toContainText('contacts outside 08:00–21:00 local');
	const day = calendar.locator(`li[data-date="${date}"]`);
	await expect(day).toHaveClass(/highlighted/);
	const marks = calendar.locator('a.mark');
	expect(await marks.count()).toBeGreaterThan(0);
	const flagged = calendar.locator('a.mark.flagged');
	expect(await flagged.count(), 'the contacts of the findings are ringed').toBeGreaterThan(0);
	const label = (await flagged.first().getAttribute('aria-label')) ?? '';
	expect(label).toMatch(/\d{2}:\d{2} [A-Z]{2,5}/); // local time with the zone's abbreviation
	expect(label).toContain('finding ');
	// the finding's date carries its tag (or lies in its window)
	expect((await day.locator('.tag').count()) + (await day.locator('.window').count())).toBeGreaterThan(0);

	// the findings table and the contact list, with finding tags
	await expect(page.getByTestId('timeline-findings').locator('tbody tr[data-finding]')).not.toHaveCount(0);
	const tags = page.getByTestId('finding-tag');
	expect(await tags.count()).toBeGreaterThan(0);

	// keyboard: a mark takes the focus and Enter goes to its row in the contact list
	const id = await flagged.first().getAttribute('data-interaction');
	await flagged.first().focus();
	await expect(flagged.first()).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(new RegExp(`#c-${id}$`));
	const row = page.locator(`tr[id="c-${id}"]`);
	await expect(row).toBeVisible();
	await expect(row.getByTestId('finding-tag').first()).toBeVisible();

	// a finding tag leads to the rule in its pack
	const rule = await row.getByTestId('finding-tag').first().getAttribute('href');
	expect(rule).toMatch(/^\/compliance\/packs\/[a-z0-9_-]+\?version=\d+#rule-[a-z0-9_]+$/);
	const packPage = await page.goto(rule!);
	expect(packPage?.status()).toBe(200);
});

test('bad parameters are named, an unknown person is a clear 404', async ({ page }) => {
	await signIn(page, 'compliance');
	const href = await firstFindingTimeline(page);
	const person = href.split('?')[0]!;
	await page.goto(`${person}?from=2026-02-30&to=2026-03-10`);
	await expect(page.getByTestId('timeline-problems')).toContainText('?from=2026-02-30: from is not a real date');
	await expect(page.getByTestId('timeline-calendar')).toBeVisible();

	const missing = await page.goto('/compliance/people/NO-SUCH-PERSON');
	expect(missing?.status()).toBe(404);
	await expect(page.locator('main')).toContainText('No person with customer_id NO-SUCH-PERSON is in the store');
});

test('leadership cannot open a timeline', async ({ page }) => {
	await signIn(page, 'compliance');
	const href = await firstFindingTimeline(page);
	await page.context().clearCookies();
	await signIn(page, 'leadership');
	const r = await page.goto(href);
	expect(r?.status()).toBe(403);
	await expect(page.getByTestId('timeline-calendar')).toHaveCount(0);
});

test('opening a timeline and the report is in the trail, with the address it came from', async ({ page }) => {
	await signIn(page, 'compliance');
	const href = await firstFindingTimeline(page);
	const customer = decodeURIComponent(href.split('/')[3]!.split('?')[0]!);
	expect((await page.goto(href))?.status()).toBe(200);
	expect((await page.goto('/compliance/report'))?.status()).toBe(200);
	await page.goto('/trail?action=view&actor=e2e-compliance');
	const rows = page.locator('table tbody tr');
	await expect(rows.filter({ hasText: `timeline of customer ${customer}` }).first()).toContainText('127.0.0.1');
	await expect(rows.filter({ hasText: 'compliance report of audit' }).first()).toContainText('127.0.0.1');
});
