import { expect as baseExpect, test } from '@playwright/test';
import { signIn } from './auth';
import { holdAppScripts } from './hold';

// An import waits in the server's queue behind the work after the import before it (summaries,
// audit, experiments): on a loaded machine that took over 10 s, so its outcome is awaited for up to
// a minute, and each test may take three.
const expect = baseExpect.configure({ timeout: 60_000 });
test.beforeEach(() => test.setTimeout(180_000));

test.beforeEach(async ({ page }) => signIn(page, 'admin'));

// The Data page on the demo store: upload a messy export through the browser, read why
// rows were quarantined, download them, fix them, import them again.

const header = 'interaction_id,account_id,customer_id,party,channel,direction,occurred_at,outcome,contact_point';


test('home page shows the as-of date and a row count per table', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByTestId('as-of')).toHaveText(/\d{1,2} \w{3} \d{4}/);
	const rows = page.getByTestId('table-counts').locator('tbody tr');
	await expect(rows).toHaveCount(7);
	await expect(rows.filter({ hasText: 'interactions' }).locator('td').first()).not.toHaveText('0');
});

test('upload a file with bad rows: progress, result, reasons, CSV download, fix and re-import', async ({ page }) => {
	await page.goto('/data');
	// an interactions file about an account that does not exist, and one with no offset
	const csv =
		'\uFEFF' +
		header.toUpperCase() +
		'\r\n' +
		'E2E-1,NO-SUCH-ACCOUNT,C-x,consumer,call,outbound,2026-03-02T14:05:00-05:00,no_answer,+1-617-***-0001\r\n' +
		'E2E-2,NO-SUCH-ACCOUNT,C-x,consumer,sms,outbound,2026-03-02 14:05,delivered,+1-617-***-0001\r\n';
	await page.getByTestId('file-input').setInputFiles({ name: 'interactions_e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await page.getByRole('button', { name: 'Import' }).click();
	const result = page.getByTestId('import-result');
	await expect(result).toContainText('2 read, 0 inserted, 0 updated, 0 unchanged, 2 quarantined');
	await result.getByRole('link', { name: /quarantined rows/ }).click();

	await expect(page.getByRole('heading', { level: 1 })).toContainText('interactions_e2e.csv');
	const table = page.getByTestId('quarantine-rows');
	await expect(table).toContainText('account_id "NO-SUCH-ACCOUNT" does not exist in accounts');
	await expect(table).toContainText('occurred_at "2026-03-02 14:05" has no UTC offset');
	await expect(table.locator('tbody tr').first().locator('td').first()).toHaveText('2');

	const downloadPromise = page.waitForEvent('download');
	await page.getByTestId('download-quarantine').click();
	const download = await downloadPromise;
	const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
	const lines = text.trim().split(/\r?\n/);
	expect(lines[0]).toBe(header + ',source_line,quarantine_reasons');
	expect(lines).toHaveLength(3);

	const batchUrl = page.url();
	// the download is in the trail
	await page.goto('/trail?action=export');
	await expect(page.getByTestId('trail')).toContainText(/quarantine of batch \d+/);

	// fix: add the missing account, give the timestamp its offset, import the downloaded file again
	await page.goto('/data');
	await page.getByTestId('file-input').setInputFiles({
		name: 'accounts_e2e.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('account_id,customer_id,segment,product,region,timezone,opened_on\nNO-SUCH-ACCOUNT,C-x,retail,card,US-MA,America/New_York,2024-01-01\n')
	});
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-result')).toContainText('1 inserted');
	const fixed = text.replace('2026-03-02 14:05,', '2026-03-02T14:05:00-05:00,');
	await page.getByTestId('file-input').setInputFiles({ name: 'interactions_e2e_fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-result')).toContainText('2 read, 2 inserted, 0 updated, 0 unchanged, 0 quarantined');
	await page.goto(batchUrl);
	await expect(page.getByTestId('quarantine-rows').getByText(/fixed in batch \d+/)).toHaveCount(2);

	// the history lists the batches with their counts
	await page.goto('/data');
	const history = page.getByTestId('batches');
	await expect(history.locator('tbody tr').first()).toContainText('interactions_e2e_fixed.csv');
	await expect(history.locator('tbody tr', { hasText: 'interactions_e2e.csv' })).toContainText('0 open');
});

test('a file chosen before the page has finished loading is imported', async ({ page }) => {
	// choose before the app's scripts run, then let them run
	const release = await holdAppScripts(page);
	await page.goto('/data', { waitUntil: 'domcontentloaded' });
	await page.getByTestId('file-input').setInputFiles({
		name: 'accounts_early.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('account_id,customer_id,segment,product,region,timezone,opened_on\nEARLY-ACCOUNT,C-early,retail,card,US-MA,America/New_York,2024-01-01\n')
	});
	await page.locator('select[name=table]').selectOption('accounts');
	release();
	await page.waitForLoadState('networkidle');
	await expect(page.getByTestId('file-input').locator('xpath=..')).toContainText('accounts_early.csv');
	await expect(page.locator('select[name=table]')).toHaveValue('accounts');
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-result')).toContainText('accounts_early.csv');
	await expect(page.getByTestId('import-result')).toContainText('1 read, 1 inserted');
});

test('a file that cannot be read as its table is rejected with one clear message', async ({ page }) => {
	await page.goto('/data');
	await page.getByTestId('file-input').setInputFiles({ name: 'payments_broken.csv', mimeType: 'text/csv', buffer: Buffer.from('payment_id,amount\nP1,5\n') });
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-error')).toContainText(
		'payments_broken.csv cannot be read as payments: missing required columns account_id, paid_at, method, status'
	);
	await expect(page.getByTestId('import-error')).toContainText('Nothing already stored was changed');
	// the history shows the reason in full, under the file, inside the page at 1280 px
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto('/data');
	const reason = page.getByTestId('batch-error').first();
	await expect(reason).toContainText('payments_broken.csv cannot be read as payments: missing required columns');
	const [box, table] = [await reason.locator('.err').boundingBox(), await page.getByTestId('batches').locator('xpath=..').boundingBox()];
	expect(box!.x + box!.width).toBeLessThanOrEqual(table!.x + table!.width + 1);
});

test('a file of the wrong type is refused before upload processing', async ({ page }) => {
	const res = await page.request.post('/data/imports', { headers: { 'x-file-name': 'report.pdf', origin: process.env.BASE_URL! }, data: Buffer.from('%PDF-1.4') });
	expect(res.status()).toBe(400);
	expect((await res.json()).message).toContain('only CSV (.csv, .txt) and Parquet (.parquet) files can be imported');
});

// A file over the upload limit (CUREWISE_MAX_UPLOAD_MB, 2,048 MB here): the page refuses it
// before sending, and the server answers 413 with its message instead of resetting the
// connection. The files are Blobs made of one 1 MB Blob repeated, so the browser holds 1 MB.
const bigFile = `(name) => {
	const mb = new Blob([new Uint8Array(1024 * 1024)]);
	return new File(Array(2049).fill(mb), name, { type: 'text/csv' });
}`;
const tooLarge =
	'interactions_huge.csv is 2,049 MB; the upload limit is 2,048 MB: import it on the server with npx curewise import, or ask an administrator to raise CUREWISE_MAX_UPLOAD_MB';

test('a file over the upload limit is refused by the page before it is sent, with the limit and its size', async ({ page }) => {
	await page.goto('/data');
	await page.waitForLoadState('networkidle');
	const sent: string[] = [];
	page.on('request', (r) => {
		if (r.url().includes('/data/imports')) sent.push(r.url());
	});
	const drop = await page.evaluateHandle(`(() => { const t = new DataTransfer(); t.items.add((${bigFile})('interactions_huge.csv')); return t; })()`);
	await page.locator('label.drop').dispatchEvent('drop', { dataTransfer: drop });
	await expect(page.locator('label.drop')).toContainText('interactions_huge.csv');
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-error')).toContainText(tooLarge);
	expect(sent).toEqual([]);
});

test('the server answers an upload over the limit with 413 and its message, which the browser receives', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/data');
	// as the page sends a file (XMLHttpRequest, the file as the body), without the page's own check
	const answer = await page.evaluate(
		`new Promise((resolve) => {
			const x = new XMLHttpRequest();
			x.open('POST', '/data/imports');
			x.setRequestHeader('x-file-name', 'interactions_huge.csv');
			x.setRequestHeader('content-type', 'application/octet-stream');
			x.onload = () => resolve({ status: x.status, message: JSON.parse(x.responseText).message });
			x.onerror = () => resolve({ status: 0, message: 'the server could not be reached' });
			x.send((${bigFile})('interactions_huge.csv'));
		})`
	);
	expect(answer).toEqual({ status: 413, message: tooLarge });
});

test('a batch that does not exist gives a clear 404, a bad id a 400', async ({ page }) => {
	expect((await page.goto('/data/batches/999999'))?.status()).toBe(404);
	await expect(page.getByText('There is no import batch 999999.')).toBeVisible();
	expect((await page.goto('/data/batches/abc'))?.status()).toBe(400);
});

