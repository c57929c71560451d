import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signIn } from './auth';
import { parseCsv } from '../support/csv';

// The compliance overview, findings list, report and CSV on the demo store, whose import ran the
// audit: a compliance officer sees the findings by rule, pack and dimension per 10,000 contacts,
// filters the list (filters in the URL), opens a finding's timeline, downloads the CSV, opens the
// printable report (no navigation when printed) and runs the audit; leadership is refused.

const HEADER =
	'audit_id,pack,pack_version,rule,kind,customer_id,account_id,window_start,window_end,occurred_at,local_date,channel,agent_id,template_id,experiment_id,variant,interaction_ids,detail';

/** the number a tile shows ("1,081" -> 1081) */
async function tileNumber(page: Page, name: string): Promise<number> {
	const text = (await page.getByTestId(`kpi-${name}`).locator('.value').textContent()) ?? '';
	return Number(text.replace(/,/g, ''));
}


test('a compliance officer sees the overview of the latest audit, with findings per 10,000 contacts', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance');
	const tabs = page.getByRole('navigation', { name: 'Compliance' });
	for (const t of ['Overview', 'Findings', 'Report', 'Policy packs', 'Message check']) await expect(tabs.getByRole('link', { name: t, exact: true })).toBeVisible();
	await expect(tabs.getByRole('link', { name: 'Overview', exact: true })).toHaveAttribute('aria-current', 'page');

	await expect(page.getByTestId('compliance-tiles')).toBeVisible({ timeout: 30_000 });
	const findings = await tileNumber(page, 'findings');
	expect(findings, 'the demo has planted violations').toBeGreaterThan(0);
	const parts = (await tileNumber(page, 'presumed_violation_findings')) + (await tileNumber(page, 'violations')) + (await tileNumber(page, 'risk_flags'));
	expect(parts).toBe(findings);
	expect(await tileNumber(page, 'findings_per_10k_contacts')).toBeGreaterThan(0);

	// the chart is drawn, with its summary and its data on demand
	const chart = page.getByTestId('chart-findings-over-time');
	await expect(chart.locator('[data-drawn="true"]')).toBeVisible();
	await expect(chart.locator('figcaption')).toContainText('findings');
	await chart.getByText('Data as a table').click();
	await expect(chart.locator('table tbody tr').first()).toBeVisible();

	// the tables by pack, rule, channel, agent, template and arm
	await expect(page.getByTestId('by-pack')).toContainText('Regulation F');
	await expect(page.getByTestId('by-rule').locator('tbody tr')).not.toHaveCount(0);
	await expect(page.getByTestId('by-channel')).toContainText('Call');
	for (const id of ['by-agent', 'by-template', 'by-arm']) await expect(page.getByTestId(id).locator('tbody tr')).not.toHaveCount(0);

	// the audit and the pack versions it used
	await expect(page.getByTestId('audit-card')).toContainText(/Audit \d+/);
	await expect(page.getByTestId('pack-versions')).toContainText('regulation-f');

	// a pack's findings count leads to the findings list, filtered
	await page.getByTestId('by-pack').locator('a', { hasText: /\d/ }).first().click();
	await expect(page).toHaveURL(/\/compliance\/findings\?pack=/);
});

test('the findings list filters in the URL, opens a timeline, and downloads the CSV with the same filters', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/findings');
	const heading = page.locator('#findings-h');
	const all = Number(((await heading.textContent()) ?? '').replace(/[^\d]/g, ''));
	expect(all).toBeGreaterThan(0);

	// filter by kind through the form
	await page.getByLabel('Kind').selectOption('presumed_violation');
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/kind=presumed_violation/);
	const rows = page.getByTestId('finding-row');
	await expect(rows.first()).toBeVisible();
	const some = Number(((await heading.textContent()) ?? '').replace(/[^\d]/g, ''));
	expect(some).toBeGreaterThan(0);
	expect(some).toBeLessThan(all);
	for (const kind of await rows.locator('td:nth-child(3)').allTextContents()) expect(kind.trim()).toBe('Presumed violation');
	await expect(page.getByRole('list', { name: 'Active filters' })).toContainText('kind: Presumed violation');

	// sort by date, oldest first: the dates go up
	await page.getByRole('link', { name: /^Date/ }).click();
	await expect(page).toHaveURL(/sort=asc/);
	await expect(page).toHaveURL(/kind=presumed_violation/);

	// the CSV: the header, and rows of the filtered kind
	const downloadPromise = page.waitForEvent('download');
	await page.getByTestId('findings-csv').click();
	const download = await downloadPromise;
	expect(download.suggestedFilename()).toMatch(/^curewise_findings_audit_\d+\.csv$/);
	const csv = readFileSync((await download.path())!, 'utf8');
	expect(csv.split('\r\n')[0]).toBe(HEADER);
	const table = parseCsv(csv);
	expect(table.length - 1).toBe(some);
	const first = table[1]!;
	expect(first).toHaveLength(18);
	expect(first[4]).toBe('presumed_violation');
	expect(first[10]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	expect(first[9]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	expect(first[16]!.split(' ').length).toBeGreaterThan(0);

	// a row opens the person's timeline at the finding's date
	const link = rows.first().getByTestId('timeline-link');
	const href = (await link.getAttribute('href'))!;
	expect(href).toMatch(/^\/compliance\/people\/[^/?]+\?account=[^&]+&date=\d{4}-\d{2}-\d{2}$/);
	await link.click();
	await expect(page).toHaveURL((u) => u.pathname + u.search === href);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('bad filter values get a clear message; the CSV refuses them', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/findings?kind=crime&from=2026-02-30');
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('kind is one of presumed_violation, violation, risk_flag (got "crime")');
	await expect(alert).toContainText('from is not a real date (got "2026-02-30")');
	const res = await page.request.get('/compliance/report.csv?channel=fax');
	expect(res.status()).toBe(400);
	expect(await res.text()).toContain('channel is one of');
});

test('the report prints without navigation or buttons', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance/report');
	const report = page.getByTestId('report');
	for (const h of ['1. Summary', '2. Where the findings are', '3. Method', '4. Pack versions', '5. Findings']) await expect(report.getByRole('heading', { name: h })).toBeVisible();
	await expect(page.getByTestId('report-headline')).toContainText('findings');
	await expect(report).toContainText('12 CFR 1006.14(b)(2)(i)(A)');
	await expect(page.getByTestId('report-findings').locator('tbody tr').first()).toBeVisible();
	await expect(page.locator('header.topbar')).toBeVisible();

	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header.topbar')).toBeHidden();
	await expect(page.getByRole('navigation', { name: 'Compliance' })).toBeHidden();
	await expect(page.getByTestId('print-report')).toBeHidden();
	await expect(report.getByRole('heading', { name: '5. Findings' })).toBeVisible();
	// the findings table's header repeats on every printed page
	expect(await page.getByTestId('report-findings').locator('thead').evaluate((el) => getComputedStyle(el).display)).toBe('table-header-group');
	const pdf = await page.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	expect(pdf.length).toBeGreaterThan(20_000);
});

test('running the audit from the page stores a new audit and records it in the trail', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.goto('/compliance');
	const before = Number(((await page.getByTestId('audit-card').getByRole('heading').textContent()) ?? '').replace(/[^\d]/g, ''));
	await page.getByTestId('audit-card').getByLabel('From').fill('2026-03-01');
	await page.getByTestId('audit-card').getByLabel('To').fill('2026-03-31');
	await page.getByTestId('run-audit').click();
	await expect(page.getByTestId('audit-ran')).toContainText(`Audit ${before + 1} finished`, { timeout: 60_000 });
	await expect(page.getByTestId('audit-card')).toContainText('1 Mar 2026 to 31 Mar 2026');
	await page.goto('/trail');
	await expect(page.getByTestId('trail')).toContainText(`audit ${before + 1}`);
});

test('leadership is refused the compliance pages; a strategist on the message check sees no compliance tabs', async ({ page }) => {
	await signIn(page, 'leadership');
	for (const path of ['/compliance', '/compliance/findings', '/compliance/report']) expect((await page.goto(path))?.status(), path).toBe(403);
	expect((await page.request.get('/compliance/report.csv')).status()).toBe(403);
	await page.context().clearCookies();
	await signIn(page, 'strategist');
	expect((await page.goto('/compliance/check'))?.status()).toBe(200);
	await expect(page.getByRole('navigation', { name: 'Compliance' })).toHaveCount(0);
});
