/**
 * Exports that explain themselves (issue 18 item 5; docs/exports.md): as a leader on the
 * Overview with a filter set, the chart's download buttons are reached with the keyboard; the
 * PNG carries a header band (title, period, filters, as-of date) above the chart at twice its
 * size; the CSV carries # lines naming what, period, filters and as-of date, and numbers as the
 * page formats them; both file names say what and when. In the dark theme the charts draw in the
 * theme's colours, and at 390 px every legend entry is whole.
 *
 * Screenshots and the downloaded files are kept under test-results/chart-exports/ to look at.
 */
import { mkdirSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { signIn } from './auth';

const OUT = 'test-results/chart-exports';
mkdirSync(OUT, { recursive: true });

test.beforeEach(async ({ page }) => signIn(page, 'leadership'));

const text = async (d: Download) => Buffer.concat(await (await d.createReadStream()).toArray()).toString('utf8');

/** Tab until the element named `name` has the focus (at most `max` presses); fails if it never does */
async function tabTo(page: Page, name: string, max = 12) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if ((await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) === name) return;
	}
	throw new Error(`${name} was not reached with the Tab key`);
}

test('the trend chart: PNG and CSV reached with the keyboard, each saying what, when and under which filters', async ({ page }) => {
	await page.goto('/overview?segment=retail');
	const from = await page.locator('input[name=from]').inputValue();
	const to = await page.locator('input[name=to]').inputValue();
	const trend = page.locator('.trend');
	const plot = trend.locator('figure.chart [role=img]');
	await expect(plot).toHaveAttribute('data-drawn', 'true');
	// the buttons are real buttons beside the chart, named for it
	const png = trend.getByRole('button', { name: 'Download Cure rate (30 days) as PNG' });
	const csv = trend.getByRole('button', { name: 'Download Cure rate (30 days) as CSV' });
	await expect(png).toHaveText(/PNG/);
	await expect(csv).toHaveText(/CSV/);
	// no ECharts toolbox is drawn inside the chart any more
	expect(await plot.evaluate((el) => ((el as unknown as { chart: { getOption(): Record<string, unknown> } }).chart.getOption().toolbox as unknown[] | undefined)?.length ?? 0)).toBe(0);

	// from the KPI picker, Tab reaches the PNG button, then the CSV button
	await trend.getByTestId('trend-kpi').focus();
	await tabTo(page, 'Download Cure rate (30 days) as PNG');
	const pngDownload = page.waitForEvent('download');
	await page.keyboard.press('Enter');
	const pngFile = await pngDownload;
	expect(pngFile.suggestedFilename()).toBe(`curewise_cure-rate-30d_weekly_${from}_${to}.png`);
	await pngFile.saveAs(`${OUT}/${pngFile.suggestedFilename()}`);

	await tabTo(page, 'Download Cure rate (30 days) as CSV', 2);
	const csvDownload = page.waitForEvent('download');
	await page.keyboard.press('Enter');
	const csvFile = await csvDownload;
	expect(csvFile.suggestedFilename()).toBe(`curewise_cure-rate-30d_weekly_${from}_${to}.csv`);
	await csvFile.saveAs(`${OUT}/${csvFile.suggestedFilename()}`);

	// the CSV: # lines naming what, the period, the filters in words and the as-of date, then the weeks
	const lines = (await text(csvFile)).replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
	const period = (await page.getByTestId('period-sentence').textContent())!;
	const [, fromWords, toWords, asOfWords] = period.match(/from (\d+ \w+ \d{4}) to (\d+ \w+ \d{4}), judged as of (\d+ \w+ \d{4})/)!;
	expect(lines.slice(0, 5)).toEqual(['# Cure rate (30 days) · weekly', `# Period: ${fromWords} to ${toWords}`, '# Filters: Segment: Retail', `# Data as of ${asOfWords}`, 'Week starting,Cure rate (30 days)']);
	const rows = lines.slice(5);
	expect(rows.length).toBeGreaterThan(4);
	for (const r of rows) expect(r).toMatch(/^\d{4}-\d\d-\d\d,(\d{1,3}\.\d%|no data)$/);
	expect(rows.some((r) => /\d%$/.test(r))).toBe(true);
	// the same numbers as the chart's data table on the page
	const shown = await trend.locator('details table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(',')));
	expect(rows).toEqual(shown);

	// the PNG: the chart at twice its size, below a band that holds writing
	const box = await plot.evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
	const bytes = Buffer.concat(await (await pngFile.createReadStream()).toArray());
	const picture = await page.evaluate(async (b64) => {
		const img = new Image();
		img.src = `data:image/png;base64,${b64}`;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = img.width;
		canvas.height = img.height;
		const ctx = canvas.getContext('2d')!;
		ctx.drawImage(img, 0, 0);
		const data = ctx.getImageData(0, 0, img.width, img.height).data;
		const bg = [data[0], data[1], data[2]];
		// rows of the picture that hold anything other than the background
		const inked: boolean[] = [];
		for (let y = 0; y < img.height; y++) {
			let ink = false;
			for (let x = 0; x < img.width && !ink; x += 1) {
				const i = (y * img.width + x) * 4;
				if (Math.abs(data[i]! - bg[0]!) + Math.abs(data[i + 1]! - bg[1]!) + Math.abs(data[i + 2]! - bg[2]!) > 60) ink = true;
			}
			inked.push(ink);
		}
		return { width: img.width, height: img.height, bg, inked };
	}, bytes.toString('base64'));
	expect(picture.width).toBe(box.width * 2);
	const bandHeight = picture.height - box.height * 2;
	// a header band of at least three lines of writing (title, period, filters, as-of date)
	expect(bandHeight).toBeGreaterThan(120);
	const bandRows = picture.inked.slice(0, bandHeight);
	// the band's first rows are empty (its margin), then lines of writing separated by empty rows
	expect(bandRows.slice(0, 10).some(Boolean)).toBe(false);
	const runs = bandRows.reduce((n, ink, y) => n + (ink && !bandRows[y - 1] ? 1 : 0), 0);
	expect(runs).toBeGreaterThanOrEqual(4);
	// the light theme's surface behind it
	expect(picture.bg).toEqual([255, 255, 255]);

	// another KPI, monthly: the file and its lines follow
	await trend.getByTestId('trend-kpi').selectOption('complaints_per_1k_contacted');
	await trend.getByLabel('monthly').check();
	await expect(trend.locator('figcaption')).toContainText('per month');
	const monthly = page.waitForEvent('download');
	await trend.getByRole('button', { name: 'Download Complaints per 1,000 contacted as CSV' }).click();
	const monthlyFile = await monthly;
	expect(monthlyFile.suggestedFilename()).toBe(`curewise_complaints-per-1k-contacted_monthly_${from}_${to}.csv`);
	const monthlyLines = (await text(monthlyFile)).replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
	expect(monthlyLines[0]).toBe('# Complaints per 1,000 contacted · monthly'.replace(',', ';'));
	expect(monthlyLines[4]).toBe('Month,"Complaints per 1,000 contacted"');
	for (const r of monthlyLines.slice(5)) expect(r).toMatch(/^\d{4}-\d\d,(\d+\.\d|no data)$/);
});

test('every Overview chart has its PNG and CSV, named for it; a chart CSV has formatted numbers', async ({ page }) => {
	await page.goto('/overview?segment=retail');
	await expect(page.locator('figure.chart [role=img][data-drawn=true]')).toHaveCount(10);
	await expect(page.getByRole('button', { name: /^Download .+ as PNG$/ })).toHaveCount(10);
	await expect(page.getByRole('button', { name: /^Download .+ as CSV$/ })).toHaveCount(10);
	const engagement = page.getByTestId('chart-digital-engagement');
	const d = page.waitForEvent('download');
	await engagement.getByRole('button', { name: 'Download Digital engagement by channel as CSV' }).click();
	const file = await d;
	expect(file.suggestedFilename()).toMatch(/^curewise_digital-engagement_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
	const body = await text(file);
	expect(body).toContain('# Filters: Segment: Retail');
	expect(body).toMatch(/\r\nChannel,Messages,Delivered,Opened,Clicked,Replied\r\n/);
	expect(body).toMatch(/\r\nSMS,"?[\d,]+"?,\d+\.\d%,/);
	expect(body).not.toMatch(/0\.\d{5,}/);
});

test('dark theme at 390 px: the charts use the theme colours, nothing black on the dark ground, every legend entry whole', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 900 });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto('/overview');
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await expect(page.locator('figure.chart [role=img][data-drawn=true]')).toHaveCount(10);
	const css = await page.evaluate(() => {
		const s = getComputedStyle(document.documentElement);
		return { text: s.getPropertyValue('--text').trim(), muted: s.getPropertyValue('--muted').trim() };
	});
	const charts = await page.locator('figure.chart [role=img]').evaluateAll((els) =>
		els.map((el) => {
			type Zr = { storage: { getDisplayList(update?: boolean): { style?: { text?: string; fill?: string }; getBoundingRect(): { clone(): { x: number; width: number; applyTransform(m: unknown): void } }; getComputedTransform(): unknown; parent?: unknown }[] } };
			const chart = (el as unknown as { chart: { getOption(): Record<string, unknown>; getWidth(): number; getZr(): Zr } }).chart;
			const o = chart.getOption() as { legend?: { type?: string; textStyle?: { color?: string }; data?: (string | { name: string })[]; show?: boolean }[]; xAxis?: { axisLabel?: { color?: string } }[]; yAxis?: { axisLabel?: { color?: string } }[]; series?: { name?: string; color?: string; itemStyle?: { color?: string } }[]; color?: string[] };
			const texts = chart
				.getZr()
				.storage.getDisplayList(true)
				.filter((d) => typeof d.style?.text === 'string')
				.map((d) => {
					const r = d.getBoundingRect().clone();
					r.applyTransform(d.getComputedTransform());
					return { text: d.style!.text!, left: r.x, right: r.x + r.width, fill: d.style!.fill };
				});
			const legend = o.legend?.[0];
			// the legend's entries: its data, else the series' names (as ECharts does)
			const given = (legend?.data ?? []).map((d) => (typeof d === 'string' ? d : d.name));
			const names = legend && legend.show !== false ? (given.length ? given : [...new Set((o.series ?? []).map((s) => s.name).filter((n): n is string => !!n))]) : [];
			return {
				label: el.getAttribute('aria-label')!.split(':')[0],
				width: chart.getWidth(),
				legendType: legend?.type,
				legendColour: legend?.textStyle?.color,
				axisColours: [...(o.xAxis ?? []), ...(o.yAxis ?? [])].map((a) => a.axisLabel?.color),
				seriesColours: (o.series ?? []).map((s) => s.itemStyle?.color ?? s.color).filter((c): c is string => typeof c === 'string'),
				palette: o.color ?? [],
				names,
				texts
			};
		})
	);
	for (const c of charts) {
		// axis labels and the legend in the theme's colours
		for (const a of c.axisColours) expect(a, `${c.label}: axis label colour`).toBe(css.muted);
		if (c.names.length) {
			expect(c.legendColour, `${c.label}: legend colour`).toBe(css.text);
			expect(c.legendType, `${c.label}: a paged legend cuts entries`).not.toBe('scroll');
		}
		// no mark drawn in black on the dark ground
		for (const col of [...c.seriesColours, ...c.palette]) expect(col.toLowerCase(), `${c.label}: a black mark`).not.toMatch(/^#0{3}(0{3})?$|^black$/);
		// each legend entry drawn whole, inside the chart
		for (const n of c.names) {
			const t = c.texts.find((x) => x.text === n);
			expect(t, `${c.label}: legend entry "${n}" drawn whole`).toBeTruthy();
			expect(t!.left, `${c.label}: "${n}" inside the chart`).toBeGreaterThanOrEqual(0);
			expect(t!.right, `${c.label}: "${n}" inside the chart`).toBeLessThanOrEqual(c.width);
		}
	}
	// the contact-load chart names every channel, In-app among them, in a colour that shows on the dark ground
	const load = charts.find((c) => c.label === 'Contact load')!;
	expect(load.names).toContain('In-app');
	await page.screenshot({ path: `${OUT}/overview-390-dark.png`, fullPage: true });
	// the downloaded PNG in the dark theme: the dark surface behind it
	const d = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download Contact load per account-week as PNG' }).click();
	await (await d).saveAs(`${OUT}/contact-load-390-dark.png`);
});

test('screenshots at 1280 px, light and dark, for a look', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 1000 });
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		await page.goto('/overview?segment=retail');
		await expect(page.locator('figure.chart [role=img][data-drawn=true]')).toHaveCount(10);
		await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
		await page.screenshot({ path: `${OUT}/overview-1280-${scheme}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 390, height: 900 });
	await page.emulateMedia({ colorScheme: 'light' });
	await page.goto('/overview?segment=retail');
	await expect(page.locator('figure.chart [role=img][data-drawn=true]')).toHaveCount(10);
	await page.screenshot({ path: `${OUT}/overview-390-light.png`, fullPage: true });
	// each chart's buttons sit above it, inside its card
	for (const fig of await page.locator('figure.chart').all()) {
		const buttons = await fig.locator('.downloads').boundingBox();
		const plot = await fig.locator('[role=img]').boundingBox();
		expect(buttons!.y + buttons!.height).toBeLessThanOrEqual(plot!.y + 1);
		expect(buttons!.x + buttons!.width).toBeLessThanOrEqual(390);
	}
});

test('the compliance chart and the experiment charts have their downloads too, saying the audit or the experiment', async ({ page }) => {
	// two roles, four charts drawn and four downloads: more than the default 30 s on a loaded machine (its waits allow 60 s each)
	test.setTimeout(180_000);
	await page.context().clearCookies();
	await signIn(page, 'compliance');
	await page.goto('/compliance?channel=sms');
	const chart = page.getByTestId('chart-findings-over-time');
	await expect(chart.locator('[role=img]')).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
	const d = page.waitForEvent('download');
	await chart.getByRole('button', { name: 'Download Findings by rule over time as CSV' }).click();
	const file = await d;
	expect(file.suggestedFilename()).toMatch(/^curewise_findings-by-rule_weekly_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
	const body = await text(file);
	expect(body).toContain('# Filters: Channel: SMS');
	expect(body).toMatch(/\r\n# Audit \d+\r\nWeek of,/);
	await expect(chart.getByRole('button', { name: 'Download Findings by rule over time as PNG' })).toBeVisible();
	// at 390 px in the dark theme, every rule in the legend whole (it wraps; the chart grows)
	await page.setViewportSize({ width: 390, height: 900 });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await expect(chart.locator('[role=img]')).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
	await chart.screenshot({ path: `${OUT}/compliance-390-dark.png` });
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.emulateMedia({ colorScheme: 'light' });

	await page.context().clearCookies();
	await signIn(page, 'strategist');
	await page.goto('/experiments/supportive-reminder');
	const eot = page.locator('section[aria-labelledby=eot-h]');
	await expect(eot.locator('[role=img]')).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
	const e = page.waitForEvent('download');
	await eot.getByRole('button', { name: /^Download Effect over time: .+ as CSV$/ }).click();
	const eFile = await e;
	expect(eFile.suggestedFilename()).toMatch(/^curewise_supportive-reminder-effect-over-time_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
	const eBody = await text(eFile);
	expect(eBody).toMatch(/# Experiment: .+ \(supportive-reminder\)/);
	expect(eBody).toMatch(/\r\nAs of,supportive: difference,supportive: interval,supportive: accounts\r\n/);
	expect(eBody).toMatch(/[+−]\d+\.\d pp/);
	// the effects by metric and the survival curves too
	await expect(page.getByRole('button', { name: 'Download Effects by metric as PNG' })).toBeVisible();
	await expect(page.getByRole('button', { name: /^Download .+ by arm as CSV$/ }).first()).toBeVisible();
	const p = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download Effects by metric as PNG' }).click();
	const pFile = await p;
	expect(pFile.suggestedFilename()).toMatch(/^curewise_supportive-reminder-effects-by-metric_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.png$/);
	await pFile.saveAs(`${OUT}/${pFile.suggestedFilename()}`);
	await page.setViewportSize({ width: 390, height: 900 });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.reload();
	await expect(eot.locator('[role=img]')).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
	await page.screenshot({ path: `${OUT}/experiment-390-dark.png`, fullPage: true });
});
