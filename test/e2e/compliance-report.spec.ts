import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { signIn } from './auth';

// The complete report (issue 16 item 1) in Chromium, as a compliance officer on the demo store:
// the scope and the total at the top, the counts per week adding up to the total, the top ten
// accounts, agents and templates, the findings numbered 1, 2, 3 … grouped by account, the
// downloads: the PDF (rendered on the server), and past the chosen size one zip; the New York
// City pack, in force after all of the demo's data, "not in force"; the report limited to one
// segment (the scope, the totals, the downloads' names and the CSV's first line say so).

const SHOTS = 'test-results/compliance-report';

test('a compliance officer opens the report: scope, totals, top tens, numbered findings; downloads the PDF, and past the size a zip', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto('/compliance/report');
	const report = page.getByTestId('report');
	await expect(page.getByTestId('report-scope')).toContainText('Scope:');
	await expect(page.getByTestId('report-scope')).toContainText('packs: Regulation F');
	const total = Number(((await page.getByTestId('report-total').textContent()) ?? '').replace(/[^\d]/g, ''));
	expect(total).toBeGreaterThan(0);
	// the weeks add up to the total
	expect(Number(((await page.getByTestId('report-weeks-total').textContent()) ?? '').replace(/[^\d]/g, ''))).toBe(total);
	for (const t of ['report-top-accounts', 'report-top-agents', 'report-top-templates']) await expect(page.getByTestId(t).locator('tbody tr').first()).toBeVisible();
	// the New York City pack takes effect after all the demo's data
	await expect(report.locator('tr', { hasText: 'us-nyc' }).first()).toContainText('not in force');
	// the findings numbered 1, 2, 3 … in order, under their account
	const numbers = await page.getByTestId('report-finding').locator('td:first-child').allTextContents();
	expect(numbers.slice(0, 20).map((n) => Number(n.replace(/,/g, '')))).toEqual(Array.from({ length: Math.min(20, numbers.length) }, (_, i) => i + 1));
	await expect(page.getByTestId('report-findings').locator('tr.group').first()).toContainText('Account');
	await expect(page.getByTestId('report-part')).toContainText(total.toLocaleString('en-US'));
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/report-top.png` });

	// the PDF, rendered on the server
	const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
	expect(pdf.suggestedFilename()).toMatch(/^curewise_compliance_report_audit_\d+_\d{4}-\d{2}-\d{2}\.pdf$/);
	const bytes = readFileSync((await pdf.path())!);
	expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
	writeFileSync(`${SHOTS}/report.pdf`, bytes);
	expect((bytes.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThan(1);

	// past the size chosen: one zip
	await page.getByTestId('max-findings').fill('10');
	const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
	expect(zip.suggestedFilename()).toMatch(/\.zip$/);
	const z = readFileSync((await zip.path())!);
	expect(z.subarray(0, 2).toString()).toBe('PK');
	writeFileSync(`${SHOTS}/report.zip`, z);

	// printed: the scope and the page number in the page margins (CSS margin boxes)
	await page.emulateMedia({ media: 'print' });
	const printed = await page.pdf({ format: 'A4' });
	expect(printed.subarray(0, 5).toString()).toBe('%PDF-');
	writeFileSync(`${SHOTS}/printed.pdf`, printed);
});

test('the report limited to one segment says so at the top, and its downloads carry it', async ({ page }) => {
	await signIn(page, 'compliance');
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto('/compliance/report');
	await expect(page.getByTestId('report-scope')).toContainText('every segment');
	const all = Number(((await page.getByTestId('report-total').textContent()) ?? '').replace(/[^\d]/g, ''));
	await page.getByTestId('report-segment').selectOption('sme');
	await page.getByTestId('apply-segment').click();
	await expect(page).toHaveURL(/[?&]segment=sme/);
	await expect(page.getByTestId('report-scope')).toContainText('segment: SME');
	await expect(page.getByTestId('report-segment')).toHaveValue('sme');
	const sme = Number(((await page.getByTestId('report-total').textContent()) ?? '').replace(/[^\d]/g, ''));
	expect(sme).toBeGreaterThan(0);
	expect(sme).toBeLessThan(all);
	// the weeks add up to the segment's total
	expect(Number(((await page.getByTestId('report-weeks-total').textContent()) ?? '').replace(/[^\d]/g, ''))).toBe(sme);
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/report-sme.png` });
	// the PDF keeps the segment (its form carries the scope) and names it
	const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()]);
	expect(pdf.suggestedFilename()).toMatch(/^curewise_compliance_report_audit_\d+_sme_\d{4}-\d{2}-\d{2}\.(pdf|zip)$/);
	// the CSV states it on its first line
	const csv = await page.request.get((await page.getByTestId('report-csv').getAttribute('href'))!);
	expect((await csv.text()).split('\r\n')[0]).toMatch(/^# Curewise compliance audit report · Audit \d+ · .* · segment: SME · packs: /);
	// an unknown segment on the page: said, and not applied
	await page.goto('/compliance/report?segment=wholesale');
	await expect(page.getByRole('alert').filter({ hasText: 'segment is one of' })).toContainText('segment is one of retail, sme, corporate (got "wholesale")');
});

test('bad report parameters get a 400 that names them', async ({ page }) => {
	await signIn(page, 'compliance');
	const res = await page.request.get('/compliance/report.pdf?max_findings=0');
	expect(res.status()).toBe(400);
	expect(await res.text()).toContain('max_findings is a whole number of findings, from 1 to 50,000 (got \\"0\\")');
});

test('leadership cannot download the report', async ({ page }) => {
	await signIn(page, 'leadership');
	expect((await page.request.get('/compliance/report.pdf')).status()).toBe(403);
	expect((await page.request.get('/compliance/report.parquet')).status()).toBe(403);
});
