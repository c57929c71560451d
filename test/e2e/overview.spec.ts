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

test('chart data arrives as Arrow IPC (JSON on request); an unknown query or parameter gets 400', async ({ page }) => {
	const { tableFromIPC } = await import('apache-arrow');
	const arrow = await page.request.get('/overview/data/cure_trend');
	expect(arrow.status()).toBe(200);
	expect(arrow.headers()['content-type']).toBe('application/vnd.apache.arrow.stream');
	const table = tableFromIPC(new Uint8Array(await arrow.body()));
	expect(table.schema.fields.map((f) => f.name)).toEqual(['cohort', 'episodes', 'cure_rate_30d', 'cure_rate_60d', 'provisional']);
	expect(table.numRows).toBeGreaterThan(0);
	const json = await (await page.request.get('/overview/data/cure_trend?format=json')).json();
	expect(json.cohort.length).toBe(table.numRows);
	const unknown = await page.request.get('/overview/data/drop_table_users');
	expect(unknown.status()).toBe(400);
	expect((await unknown.json()).message).toContain('unknown query');
	expect((await page.request.get("/overview/data/breakdown?dimension=agent_id'--")).status()).toBe(400);
	expect((await page.request.get('/overview/data/cure_curves?from=yesterday')).status()).toBe(400);
});

test('the charts draw, and the breakdown sorts and downloads as CSV', async ({ page }) => {
	await page.goto('/overview');
	await expect(page.locator('figure.chart canvas').first()).toBeVisible();
	// the trend and the nine charts of the Overview, each drawn to the end
	await expect(page.locator('figure.chart')).toHaveCount(10);
	await expect(page.locator('figure.chart [role=img][data-drawn=true]')).toHaveCount(10);
	const table = page.getByTestId('breakdown');
	await expect(table.locator('tbody tr')).toHaveCount(3); // retail, sme, corporate
	await table.getByRole('button', { name: /Accounts contacted/ }).click();
	const counts = await table.locator('tbody tr td:nth-child(5)').allTextContents();
	const numbers = counts.map((c) => Number(c.replace(/,/g, '')));
	expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
	const download = page.waitForEvent('download');
	await page.getByTestId('breakdown-csv').click();
	const stream = await (await download).createReadStream();
	const text = Buffer.concat(await stream.toArray()).toString('utf8');
	expect(text.split(/\r?\n/)[0]).toBe('segment,cure_rate_30d,cure_rate_60d,mature_episodes_30d,accounts_contacted,outbound_contacts,right_party_contact_rate,complaints_per_1k_contacted');
});

test('filters live in the URL, show as removable chips, and the back button works', async ({ page }) => {
	await page.goto('/overview');
	const form = page.getByRole('form', { name: 'Period and filters' });
	await form.locator('select[name=region]').selectOption('US-MA');
	await form.locator('select[name=vulnerable]').selectOption('false');
	await form.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/region=US-MA/);
	const chips = page.getByRole('list', { name: 'Active filters' });
	await expect(chips.getByRole('link')).toHaveText(['region: US-MA ✕', 'not vulnerable ✕']);
	const filtered = await page.getByTestId('kpi-cure_rate_30d').textContent();
	await chips.getByRole('link', { name: 'Remove the filter region: US-MA' }).click();
	await expect(page).not.toHaveURL(/region=/);
	await expect(page).toHaveURL(/vulnerable=false/);
	await page.goBack();
	await expect(page).toHaveURL(/region=US-MA/);
	await expect(page.getByTestId('kpi-cure_rate_30d')).toHaveText(filtered!);
});

test('period presets end at the data as-of date and keep the filters', async ({ page }) => {
	await page.goto('/overview?segment=retail');
	await page.getByRole('navigation', { name: 'Period presets' }).getByRole('link', { name: 'Last 30 days' }).click();
	await expect(page).toHaveURL(/from=.*segment=retail/);
	const url = new URL(page.url());
	const days = (Date.parse(url.searchParams.get('to')!) - Date.parse(url.searchParams.get('from')!)) / 86_400_000 + 1;
	expect(days).toBe(30);
	await expect(page.getByTestId('kpi-cure_rate_30d')).toBeVisible();
});

test('each tile has a weekly sparkline drawn on the server, and days to pay its interval', async ({ page }) => {
	const html = await (await page.request.get('/overview')).text();
	expect(html).toMatch(/data-testid="kpi-cure_rate_30d"[\s\S]*?<svg class="spark[^"]*"[^>]*aria-label="Weekly cure rate \(30 days\): from/);
	await page.goto('/overview');
	await expect(page.getByTestId('kpi-days_to_pay_median')).toContainText(/95% CI (\d+ days?|open) – (\d+ days?|open)/);
});

test('the trend chart switches KPI and grain', async ({ page }) => {
	await page.goto('/overview');
	const trend = page.locator('.card', { has: page.getByRole('heading', { name: 'Trend' }) });
	await expect(trend.locator('figcaption')).toContainText('Cure rate (30 days) per week');
	await trend.getByTestId('trend-kpi').selectOption('complaints_per_1k_contacted');
	await trend.getByLabel('monthly').check();
	await expect(trend.locator('figcaption')).toContainText('Complaints per 1,000 contacted per month');
	const json = await (await page.request.get('/overview/data/kpi_trend?grain=month&format=json')).json();
	expect(json.bucket.length).toBeGreaterThan(1);
	expect(Object.keys(json)).toContain('days_to_pay_median');
	expect((await page.request.get('/overview/data/kpi_trend?grain=hour')).status()).toBe(400);
});

test('filters on channel, template and experiment arm; breakdown by channel', async ({ page }) => {
	await page.goto('/overview');
	const form = page.getByRole('form', { name: 'Period and filters' });
	await form.locator('select[name=channel]').selectOption('sms');
	await form.locator('select[name=arm]').selectOption('supportive-reminder/supportive');
	await form.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/channel=sms/);
	const chips = page.getByRole('list', { name: 'Active filters' });
	await expect(chips.getByRole('link')).toHaveText(['channel: sms ✕', 'experiment: supportive-reminder ✕', 'arm: supportive ✕']);
	await expect(page.getByTestId('kpi-cure_rate_30d')).toContainText(/\d+\.\d%|no data/);
	await expect(page.locator('body')).not.toContainText('NaN');
	// an arm of an unknown experiment, a channel that does not exist: a message, never a server error
	const bad = await page.goto('/overview?channel=fax');
	expect(bad?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('channel must be one of');
	await page.goto('/overview?arm=x');
	await expect(page.getByRole('alert')).toContainText('an arm needs its experiment');
	await page.goto('/overview?dimension=channel');
	await expect(page.getByRole('heading', { name: 'Breakdown by channel' })).toBeVisible();
	await expect(page.getByTestId('breakdown').locator('tbody tr', { hasText: 'sms' })).toHaveCount(1);
});

test("the alerts strip counts this period's compliance findings; compliance officers follow it to the same findings", async ({ page, browser }) => {
	await page.goto('/overview');
	const strip = page.getByTestId('findings-strip');
	await expect(strip).toContainText(/[\d,]+ compliance findings? dated in this period/);
	await expect(strip).toContainText(/\d+ (presumed violation|violation|risk flag)/);
	// leadership gets the counts, not the findings
	await expect(strip.getByRole('link')).toHaveCount(0);
	await expect(strip).toContainText('The findings themselves are for compliance officers.');
	const count = Number((await strip.locator('h2').innerText()).match(/([\d,]+) compliance finding/)![1]!.replaceAll(',', ''));
	expect(count).toBeGreaterThan(0);

	const ctx = await browser.newContext();
	const officer = await ctx.newPage();
	await signIn(officer, 'compliance');
	await officer.goto('/overview');
	const link = officer.getByTestId('findings-strip').getByRole('link');
	await expect(link).toHaveAttribute('href', /^\/compliance\/findings\?audit=\d+&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
	await link.click();
	await expect(officer.locator('#findings-h')).toHaveText(`${count.toLocaleString('en-US')} finding${count === 1 ? '' : 's'}`);
	await ctx.close();
});
