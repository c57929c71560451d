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
	// each cell holds the value, the comparison period's and the change: sorted by the value
	const counts = await table.locator('tbody tr td:nth-child(5) .value').allTextContents();
	const numbers = counts.map((c) => Number(c.replace(/,/g, '')));
	expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
	const download = page.waitForEvent('download');
	await page.getByTestId('breakdown-csv').click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^curewise_breakdown-by-segment_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
	const text = Buffer.concat(await (await file.createReadStream()).toArray()).toString('utf8');
	// what, the period, the filters and the as-of date as # lines; then each metric by its label and
	// its value in the comparison period, formatted as on the page (docs/exports.md)
	const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
	expect(lines[0]).toBe('# Breakdown by segment');
	expect(lines.find((l) => !l.startsWith('#'))).toMatch(/^Segment,Cure rate \(30 days\),Cure rate \(30 days\) \(comparison period\),/);
	expect(text).toMatch(/,\d+\.\d%,/);
});

test('filters live in the URL, show as removable chips, and the back button works', async ({ page }) => {
	await page.goto('/overview');
	const form = page.getByRole('form', { name: 'Period and filters' });
	await form.locator('select[name=region]').selectOption('US-MA');
	await form.locator('select[name=vulnerable]').selectOption('false');
	await form.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/region=US-MA/);
	const chips = page.getByRole('list', { name: 'Active filters' });
	await expect(chips.getByRole('link')).toHaveText(['Region: US-MA ✕', 'not vulnerable ✕']);
	const filtered = await page.getByTestId('kpi-cure_rate_30d').textContent();
	await chips.getByRole('link', { name: 'Remove the filter Region: US-MA' }).click();
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

test('a preset sets the period, keeps the filters and the comparison, and is marked as the current one', async ({ page }) => {
	await page.goto('/overview?segment=retail&compare=year');
	const presets = page.getByRole('navigation', { name: 'Period presets' });
	await expect(presets.getByRole('link')).toHaveText(['Last 30 days', 'Last 90 days', 'Last month', 'Last quarter', 'Quarter to date', 'Year to date', 'Last 12 months']);
	// the default period is the last 90 days
	await expect(presets.getByRole('link', { name: 'Last 90 days' })).toHaveAttribute('aria-current', 'true');
	await presets.getByRole('link', { name: 'Last month' }).click();
	await expect(page).toHaveURL(/from=.*segment=retail/);
	await expect(page).toHaveURL(/compare=year/);
	await expect(presets.getByRole('link', { name: 'Last month' })).toHaveAttribute('aria-current', 'true');
	const url = new URL(page.url());
	const from = url.searchParams.get('from')!;
	const to = url.searchParams.get('to')!;
	// a whole calendar month, before the one that holds the as-of date
	expect(from).toMatch(/^\d{4}-\d\d-01$/);
	expect(to.slice(0, 7)).toBe(from.slice(0, 7));
	expect(new Date(Date.parse(to) + 86_400_000).getUTCDate()).toBe(1);
	await expect(presets.getByRole('link', { name: 'Last month' })).toHaveAttribute('aria-current', 'true');
	await expect(presets.locator('[aria-current]')).toHaveCount(1);
	await expect(page.getByRole('list', { name: 'Active filters' }).getByRole('link')).toHaveText(['Segment: Retail ✕']);
	await expect(page.getByTestId('compare')).toHaveValue('year');
	await expect(page.getByRole('form', { name: 'Period and filters' }).locator('input[name=from]')).toHaveValue(from);
	// a period of one's own is no preset
	await page.goto(`/overview?from=${from}&to=${new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10)}`);
	await expect(presets.locator('[aria-current]')).toHaveCount(0);
});

/** "2 Apr – 30 Jun 2025" (ux.md dates, the first without its year when both share it) */
function range(from: string, to: string) {
	const d = (iso: string, year: boolean) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(year ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(new Date(iso));
	return `${d(from, from.slice(0, 4) !== to.slice(0, 4))} – ${d(to, true)}`;
}
const addDays = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString().slice(0, 10);
const yearBefore = (iso: string) => `${Number(iso.slice(0, 4)) - 1}${iso.slice(4)}`;

test('compare with the same days a year before: the sentence, the tiles and the links say so', async ({ page }) => {
	await page.goto('/overview');
	await expect(page.locator('figure.chart canvas').first()).toBeVisible(); // the page's scripts run
	const form = page.getByRole('form', { name: 'Period and filters' });
	const from = await form.locator('input[name=from]').inputValue();
	const to = await form.locator('input[name=to]').inputValue();
	const sentence = page.getByTestId('period-sentence');
	await expect(sentence).toContainText(`changes against the previous 90 days, ${range(addDays(from, -90), addDays(from, -1))}.`);
	const change = page.getByTestId('kpi-cure_rate_30d').getByTestId('change');
	await expect(change).toContainText(/previous 90 days: (\d+\.\d%|no data)/);
	await expect(change).toHaveAttribute('title', /^against the previous 90 days, /);
	// the choice submits at once, and lives in the URL
	await form.getByLabel('Compare with').selectOption('year');
	await expect(page).toHaveURL(/compare=year/);
	await expect(sentence).toContainText(`changes against the same days a year before, ${range(yearBefore(from), yearBefore(to))}.`);
	await expect(change).toContainText(/a year before: (\d+\.\d%|no data)/);
	await expect(change).toHaveAttribute('title', `against the same days a year before, ${range(yearBefore(from), yearBefore(to))}`);
	for (const name of ['days_to_pay_median', 'complaints_per_1k_contacted', 'contact_load_over_threshold']) {
		await expect(page.getByTestId(`kpi-${name}`).getByTestId('change')).toContainText('a year before:');
	}
	// kept by the presets, the breakdown's dimension and the chart downloads
	await expect(page.getByRole('navigation', { name: 'Period presets' }).getByRole('link', { name: 'Last 30 days' })).toHaveAttribute('href', /compare=year/);
	await expect(page.getByTestId('breakdown-csv')).toHaveAttribute('href', /compare=year/);
	await page.locator('select[name=dimension]').selectOption('region');
	await expect(page).toHaveURL(/dimension=region/);
	await expect(page).toHaveURL(/compare=year/);
	// back to the default: compare leaves the URL
	await form.getByLabel('Compare with').selectOption('previous');
	await expect(page).toHaveURL(/dimension=region/);
	await expect(page).not.toHaveURL(/compare=/);
	await expect(sentence).toContainText('changes against the previous 90 days');
	// a bad value gets a message, not an error
	const bad = await page.goto('/overview?compare=decade');
	expect(bad?.status()).toBe(200);
	await expect(page.getByRole('alert')).toContainText('compare');
});

test("a tile's change is against the comparison period's own figure", async ({ page }) => {
	await page.goto('/overview?from=2026-03-01&to=2026-05-31');
	const tile = page.getByTestId('kpi-cure_rate_30d');
	const shown = (await tile.getByTestId('change').innerText()).match(/previous 92 days: (\S+)/)?.[1];
	expect(shown).toMatch(/\d+\.\d%/);
	await page.goto('/overview?from=2025-11-29&to=2026-02-28');
	await expect(tile.locator('.value')).toHaveText(shown!);
});

test("the breakdown shows each value, the comparison period's and the change, worded and coloured by better or worse", async ({ page }) => {
	await page.goto('/overview');
	const from = await page.getByRole('form', { name: 'Period and filters' }).locator('input[name=from]').inputValue();
	await expect(page.getByText(`Each cell: the value in the period, vs the value in the previous 90 days, ${range(addDays(from, -90), addDays(from, -1))}`)).toBeVisible();
	const table = page.getByTestId('breakdown');
	const retail = table.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'retail' }) });
	const cells = retail.locator('td');
	await expect(cells).toHaveCount(7);
	// cure rate (30 days): a share, its change in percentage points
	await expect(cells.nth(0).locator('.value')).toHaveText(/^\d+\.\d%$/);
	await expect(cells.nth(0).getByTestId('comparison')).toHaveText(/^vs \d+\.\d%$/);
	await expect(cells.nth(0).getByTestId('change')).toHaveText(/^[▲▼■] [+−±]\d+\.\d pp (better|worse|no change)$/);
	// accounts contacted: a count, its change a signed difference with no verdict
	await expect(cells.nth(3).getByTestId('comparison')).toHaveText(/^vs [\d,]+$/);
	await expect(cells.nth(3).getByTestId('change')).toHaveText(/^[+−±][\d,]+$/);
	// complaints per 1,000 contacted: lower is better
	await expect(cells.nth(6).getByTestId('change')).toHaveText(/^[▲▼■] [+−±][\d.,]+ (better|worse|no change)$/);
	const changes = await table.getByTestId('change').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', cls: e.className, color: getComputedStyle(e).color })));
	expect(changes.length).toBeGreaterThan(0);
	const colours = { better: new Set<string>(), worse: new Set<string>() };
	for (const c of changes) {
		// the arrow says which way the number went; the word and the colour whether that is good
		const m = /^\s*([▲▼■]) ([+−±])/.exec(c.text);
		if (m) expect({ '▲': '+', '▼': '−', '■': '±' }[m[1]!], c.text).toBe(m[2]);
		if (/better/.test(c.text)) {
			expect(c.cls).toContain('good');
			colours.better.add(c.color);
		} else if (/worse/.test(c.text)) {
			expect(c.cls).toContain('bad');
			colours.worse.add(c.color);
		}
	}
	for (const c of colours.better) expect(colours.worse.has(c)).toBe(false);

	// sorting by a value still works
	await table.getByRole('button', { name: /Cure rate \(30 days\)/ }).click();
	const values = (await table.locator('tbody tr td:nth-child(2) .value').allTextContents()).map((t) => (/^no /.test(t) ? -Infinity : Number(t.replace('%', ''))));
	expect(values).toEqual([...values].sort((a, b) => b - a));
});

test('at 390 px the breakdown scrolls inside its card; the page does not scroll sideways', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/overview');
	const wrap = page.getByRole('region', { name: /Breakdown by segment, table/ });
	await expect(wrap).toBeVisible();
	const { scroll, client } = await wrap.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
	expect(scroll).toBeGreaterThan(client);
	const page_ = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
	expect(page_.scroll).toBeLessThanOrEqual(page_.client);
});

test('changing a filter dims the old numbers and shows progress until the new ones arrive', async ({ page }) => {
	await page.goto('/overview');
	await expect(page.locator('figure.chart canvas').first()).toBeVisible(); // the page's scripts run
	const headline = page.getByRole('region', { name: 'Headline KPIs' });
	const progress = page.getByRole('progressbar', { name: 'Loading the Overview' });
	await expect(headline).toHaveAttribute('aria-busy', 'false');
	await expect(progress).toHaveCount(0);
	// the new page's data is held back until we let it through
	let release!: () => void;
	const gate = new Promise<void>((r) => (release = r));
	await page.route(/\/overview\/__data\.json/, async (route) => {
		await gate;
		await route.continue();
	});
	const select = page.getByRole('form', { name: 'Period and filters' }).locator('select[name=segment]');
	await select.focus();
	await select.selectOption('sme'); // no Apply: the choice submits the form
	await expect(progress).toBeVisible();
	await expect(headline).toHaveAttribute('aria-busy', 'true');
	await expect(page.getByRole('region', { name: 'Supporting KPIs' })).toHaveAttribute('aria-busy', 'true');
	await expect(page.getByTestId('overview-results')).toHaveCSS('opacity', '0.45');
	expect(page.url()).not.toContain('segment=sme'); // still the old page
	release();
	await expect(page).toHaveURL(/segment=sme/);
	await expect(headline).toHaveAttribute('aria-busy', 'false');
	await expect(progress).toHaveCount(0);
	await expect(page.getByTestId('overview-results')).toHaveCSS('opacity', '1');
	await expect(page.getByRole('list', { name: 'Active filters' }).getByRole('link')).toHaveText(['Segment: SME ✕']);
	// the URL holds only what was chosen, and the focus stays on the select
	expect(new URL(page.url()).searchParams.get('region')).toBeNull();
	await expect(select).toBeFocused();
});

test('each tile has a weekly sparkline drawn on the server, and days to pay its interval', async ({ page }) => {
	const html = await (await page.request.get('/overview')).text();
	expect(html).toMatch(/data-testid="kpi-cure_rate_30d"[\s\S]*?<svg class="spark[^"]*"[^>]*aria-label="Weekly cure rate \(30 days\): from/);
	await page.goto('/overview');
	// in words; "95% confidence interval" is its title
	await expect(page.getByTestId('kpi-days_to_pay_median').getByTestId('likely-range')).toHaveText(/likely (between \d+ days? and \d+ days?|\d+ days? or (more|less))/);
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
	await expect(chips.getByRole('link')).toHaveText(['Channel: SMS ✕', 'Experiment: Supportive reminder instead of the firm SMS and call script ✕', 'Arm: Supportive ✕']);
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

test('What changed says how mix and rate moved a KPI, in one sentence, for the period and filters of the page', async ({ page }) => {
	await page.goto('/overview?channel=call');
	const panel = page.getByTestId('what-changed');
	await expect(panel.getByTestId('what-changed-sentence')).toContainText(/^Cure rate \(30 days\) (rose|fell|did not change)/);
	await panel.getByTestId('what-changed-kpi').selectOption('right_party_contact_rate');
	await expect(panel.getByTestId('what-changed-sentence')).toContainText(/^Right-party contact rate (rose|fell|did not change)/);
	// the endpoint: every dimension's contributions add up to the change; a bad KPI is a 400
	const json = await (await page.request.get('/overview/explain?kpi=cure_rate_30d&channel=call')).json();
	for (const d of json.dimensions) expect(d.total_mix + d.total_rate).toBeCloseTo(json.change, 9);
	expect((await page.request.get('/overview/explain?kpi=days_to_pay_median')).status()).toBe(400);
});
