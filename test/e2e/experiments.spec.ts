import { expect, request as pwRequest, test, type Page } from '@playwright/test';
import { PASSWORD, signIn } from './auth';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';

// Experiments in the browser, on the demo store and a copy of experiments/*.yaml in the e2e
// temp folder (scripts/e2e.js sets CUREWISE_EXPERIMENTS_DIR): a strategist drafts, launches,
// downloads, stops and concludes an experiment; leadership reads but cannot act; the demo's
// daily-call-cadence raises guardrail alerts that a strategist acknowledges with a reason.

const BASE = process.env.BASE_URL!;
const ID = 'e2e-plan-offer';

async function fillDraft(page: Page) {
	await page.getByLabel(/^Id/).fill(ID);
	await page.getByLabel(/^Title/).fill('Payment-plan offer in the first SMS');
	await page.getByLabel(/^Hypothesis/).fill('Offering a payment plan in the first SMS cures more episodes within 30 days, with no more complaints.');
	await page.getByLabel('Delinquency episode started on or after').fill('2026-04-01');
	await page.getByLabel('daily-call-cadence').check();
	await page.getByLabel('supportive-reminder').check();
	const control = page.getByTestId('arm-0');
	await control.getByLabel('Template id').fill('sms_reminder_firm_v3');
	await control.getByLabel(/^Text/).fill('Your account is past due. Pay today at {link}. Reply STOP to opt out.');
	// the message check flags it (no debt-collector disclosure); fixed below before the launch
	const arm = page.getByTestId('arm-1');
	await arm.getByLabel('Arm id').fill('plan_offer');
	await arm.getByLabel('Template id').fill('sms_plan_offer_v1');
	await arm.getByLabel(/^Text/).fill('We can set up a plan that works for you: {link}. Reply STOP to opt out.');
}

test('a strategist drafts, launches, downloads, stops and concludes an experiment', async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/experiments');
	await page.getByTestId('new-draft').click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('New experiment draft');
	await fillDraft(page);

	// a bad value gets its message next to the field as soon as the field is left
	const weight = page.getByTestId('arm-1').getByLabel(/^Weight/);
	await weight.fill('1.5');
	await weight.blur();
	await expect(page.getByTestId('error-arms.1.weight')).toHaveText(/weight must be at most 1/);
	await expect(weight).toHaveAttribute('aria-invalid', 'true');
	// saving refuses, with the whole list on top
	await page.getByRole('button', { name: 'Save draft' }).click();
	// the field as the form shows it, not the schema's path (arms.1.weight)
	await expect(page.getByTestId('draft-problems')).toContainText('Arm 2 (Plan offer): weight: weight must be at most 1');
	await expect(page.getByTestId('draft-problems')).not.toContainText('arms.1');
	await expect(page.getByTestId('draft-problems')).toContainText('the arm weights add up to 2, not 1');
	await weight.fill('0.5');
	await expect(page.getByTestId('error-arms.1.weight')).toHaveCount(0);

	// the live count and the power calculator answer
	await expect(page.getByTestId('eligible-count')).toContainText(/[\d,]+ accounts eligible now \(control [\d,]+, plan_offer [\d,]+\)/);
	await expect(page.getByTestId('power-baseline')).not.toHaveValue('');
	await page.getByTestId('power-mde').fill('5');
	const answer = page.getByTestId('power-answer');
	await expect(answer).toContainText(/[\d,]+ accounts/);
	await expect(answer).toContainText(/about [\d,]+ days? of new eligible accounts/);
	await expect(answer.locator('tbody tr')).toHaveCount(3); // control, plan_offer, all arms
	// planned for the analysis the experiment will use (the always-valid one by default)
	await expect(page.getByText(/planned for the always-valid analysis/)).toBeVisible();
	await expect(page.getByTestId('yaml-preview')).toContainText(`id: ${ID}`);

	await page.getByRole('button', { name: 'Save draft' }).click();
	await expect(page).toHaveURL(new RegExp(`/experiments/${ID}\\?saved=1$`));
	await expect(page.getByRole('status').first()).toContainText(`Draft saved to experiments/${ID}.yaml`);
	await expect(page.getByTestId('status')).toHaveText(/draft/);
	// the message check ran on the saved definition: the SMS says STOP but not that it is from a debt collector
	await expect(page.getByTestId('message-check').first()).toContainText('does not say it is from a debt collector');
	await expect(page.getByTestId('message-check').first()).not.toContainText('how to opt out');

	// launch: the eligible population, the sample per arm and the checks first; a "must fix" blocks a strategist
	const launch = page.getByTestId('launch-form');
	await expect(launch).toContainText(/A launch now assigns [\d,]+ eligible accounts: control [\d,]+ \(50%\), plan_offer [\d,]+ \(50%\)/);
	await expect(launch.getByTestId('launch-checks')).toContainText('control: ✗ must fix');
	await expect(launch.getByTestId('launch-blocked')).toBeVisible();
	await expect(launch.getByRole('button', { name: /^Launch: assign/ })).toBeDisabled();
	// fix the control's text in the draft form, then the checks pass
	await page.getByRole('link', { name: 'Edit the draft' }).click();
	await page.getByTestId('arm-0').getByLabel(/^Text/).fill('This is a communication from a debt collector. Your account is past due. Pay today at {link}. Reply STOP to opt out.');
	await page.getByTestId('arm-1').getByLabel(/^Text/).fill('This is a message from a debt collector: we can set up a plan that works for you, {link}. Reply STOP to opt out.');
	await page.getByRole('button', { name: 'Save draft' }).click();
	await expect(page).toHaveURL(new RegExp(`/experiments/${ID}\\?saved=1$`));
	await expect(launch.getByTestId('launch-checks')).toContainText('control: ✓ nothing to fix');
	await expect(launch.getByTestId('launch-checks')).toContainText('plan_offer: ✓ nothing to fix');
	// a launch needs a reason
	await launch.getByRole('button', { name: /^Launch: assign/ }).click();
	await expect(launch.getByRole('alert')).toContainText('say why it is launched now');
	await launch.getByLabel(/^Why launch it now/).fill('The plan offer is ready and legal approved the wording.');
	await launch.getByRole('button', { name: /^Launch: assign/ }).click();
	await expect(page.getByTestId('action-done')).toContainText(/Launched: [\d,]+ accounts assigned/);
	await expect(page.getByTestId('status')).toHaveText(/running/);
	await expect(page.getByTestId('log-launched')).toContainText('Launched by e2e-strategist');
	// just launched, after the data's last day: no result yet, and no effect over time
	await expect(page.getByTestId('verdict')).toContainText('Waiting for data: no assigned account is in the data yet.');
	await expect(page.getByTestId('primary-sentence')).toHaveCount(0);
	await expect(page.locator('section[aria-labelledby=eot-h]')).toHaveCount(0);

	// the assignments, as CSV and as Parquet
	const csvDownload = page.waitForEvent('download');
	await page.getByTestId('download-assignments-csv').click();
	const csv = await (await csvDownload).createReadStream().then((s) => s.toArray()).then((c) => Buffer.concat(c).toString('utf8'));
	const lines = csv.trim().split(/\r?\n/);
	expect(lines[0]).toBe('experiment_id,account_id,variant,assigned_at');
	expect(lines.length).toBeGreaterThan(10);
	expect(lines[1]).toMatch(new RegExp(`^${ID},[^,]+,(control|plan_offer),\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
	const parquetDownload = page.waitForEvent('download');
	await page.getByTestId('download-parquet').click();
	const parquet = await (await parquetDownload).createReadStream().then((s) => s.toArray()).then((c) => Buffer.concat(c));
	expect((await parquetDownload).suggestedFilename()).toBe(`${ID}_assignments.parquet`);
	expect(parquet.subarray(0, 4).toString()).toBe('PAR1');
	expect(parquet.subarray(-4).toString()).toBe('PAR1');

	// stop: a reason is required
	await page.getByRole('button', { name: 'Stop…' }).click();
	const stop = page.getByTestId('stop-form');
	await stop.getByRole('button', { name: 'Stop the experiment' }).click();
	await expect(stop.getByRole('alert')).toHaveText('say why the experiment stops');
	await stop.getByLabel(/Why stop it/).fill('enough data for the e2e run');
	await stop.getByRole('button', { name: 'Stop the experiment' }).click();
	await expect(page.getByTestId('status')).toHaveText(/stopped/);
	await expect(page.getByTestId('log-stopped')).toContainText('Stopped by e2e-strategist');
	await expect(page.getByTestId('log-stopped')).toContainText('enough data for the e2e run');

	// conclude with a decision and its reason
	await page.getByRole('button', { name: 'Conclude…' }).click();
	const conclude = page.getByTestId('conclude-form');
	await conclude.getByLabel('Do not ship').check();
	await conclude.getByLabel(/^Why\?/).fill('no difference in the cure rate; keep the firm SMS');
	await conclude.getByRole('button', { name: 'Conclude' }).click();
	await expect(page.getByTestId('status')).toHaveText(/concluded/);
	await expect(page.getByTestId('log-decision')).toContainText('Concluded by e2e-strategist');
	await expect(page.getByTestId('log-decision')).toContainText('Do not ship');
	await expect(page.getByTestId('log-decision')).toContainText('no difference in the cure rate; keep the firm SMS');
	await expect(page.getByTestId('decision')).toContainText('Decision: Do not ship — “no difference in the cure rate; keep the firm SMS”');
	await expect(page.getByRole('button', { name: 'Conclude…' })).toHaveCount(0);

	// the list shows it concluded
	await page.goto('/experiments');
	await expect(page.getByTestId(`experiment-${ID}`).getByTestId('status')).toHaveText(/concluded/);
});

test('leadership reads the experiments and their results, without any action', async ({ page }) => {
	await signIn(page, 'leadership');
	await page.goto('/experiments');
	await expect(page.getByTestId('experiment-supportive-reminder')).toBeVisible();
	await expect(page.getByTestId('new-draft')).toHaveCount(0);
	await expect(page.getByTestId('experiment-supportive-reminder').getByTestId('primary-result')).toContainText(/[+−]\d+\.\d pp/);
	await page.getByTestId('experiment-supportive-reminder').getByRole('link').first().click();
	await expect(page.getByTestId('primary-sentence')).toContainText(/cure rate \(30 days\)/i);
	// the chance to beat control comes with its meaning, beside the decision, never as the headline
	await expect(page.getByTestId('chance-words').first()).toContainText(/beside the decision, not instead of it: .* it is not the chance that the decision is right/);
	await expect(page.getByTestId('verdict')).not.toContainText(/chance/i);
	// the scan for uneven effects is named, vulnerable customers included; a flagged segment is called out
	await expect(page.getByTestId('uneven-effects')).toContainText(/(Uneven effect: .* Look at this segment before shipping to everyone\.|No segment's effect differs from the rest's: .* vulnerable customers always included, Holm-corrected over the \d+ comparisons of the scan\.)/);
	for (const name of ['Stop…', 'Conclude…', 'Edit the draft', 'Copy as a new version']) await expect(page.getByRole('button', { name }).or(page.getByRole('link', { name }))).toHaveCount(0);
	// the assignments are what leadership may not download (the charts' own CSV buttons are theirs)
	await expect(page.getByRole('link', { name: /Assignments CSV/ })).toHaveCount(0);

	// a POST to an action, from a leadership session, is refused
	const ctx = await pwRequest.newContext({ baseURL: BASE, maxRedirects: 0 });
	expect((await ctx.post('/login', { form: { username: 'e2e-leadership', password: PASSWORD }, headers: { origin: BASE, accept: 'text/html' } })).status()).toBe(303);
	for (const action of ['stop', 'conclude', 'launch', 'acknowledge']) {
		const res = await ctx.post(`/experiments/supportive-reminder?/${action}`, { form: { reason: 'leadership tries', decision: 'ship', alert_id: '1' }, headers: { origin: BASE, accept: 'text/html' } });
		expect(res.status(), action).toBe(403);
	}
	expect((await ctx.post('/experiments/alerts?/acknowledge', { form: { reason: 'leadership tries', alert_id: '1' }, headers: { origin: BASE, accept: 'text/html' } })).status()).toBe(403);
	expect((await ctx.get('/experiments/new')).status()).toBe(403);
	expect((await ctx.get('/experiments/supportive-reminder/assignments.csv')).status()).toBe(403);
	await ctx.dispose();
	// still running: nothing changed
	await page.reload();
	await expect(page.getByTestId('status')).toHaveText(/running/);
});

test("daily-call-cadence shows its guardrail alerts; one is acknowledged with a reason", async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/experiments/daily-call-cadence');
	const alerts = page.getByTestId('open-alerts');
	await expect(alerts.locator('[data-testid=alert]').first()).toBeVisible();
	const first = alerts.locator('[data-testid=alert]').first();
	const alertId = await first.getAttribute('data-alert-id');
	await first.getByRole('button', { name: /^Acknowledge/ }).click();
	await expect(first.getByRole('alert')).toContainText('say why the alert is acknowledged');
	await first.getByLabel(/Reason/).fill('expected with daily calls; compliance informed');
	await first.getByRole('button', { name: /^Acknowledge/ }).click();
	await expect(page.locator(`[data-testid=alert][data-alert-id="${alertId}"]`).filter({ hasText: 'Acknowledge' })).toHaveCount(0);

	await page.goto('/experiments/alerts');
	const done = page.locator(`[data-testid=acknowledged-alert][data-alert-id="${alertId}"]`);
	await expect(done).toContainText('e2e-strategist');
	await expect(done).toContainText('expected with daily calls; compliance informed');
});

test('leadership reads each running experiment\'s verdict first, in one sentence', async ({ page }) => {
	await signIn(page, 'leadership');
	await page.goto('/experiments');
	await expect(page.getByTestId('experiment-daily-call-cadence').getByTestId('verdict')).toHaveText(/^(Ship|Stop|Keep running|Inconclusive|Waiting|Too early)\b.*\.$/);
	await page.goto('/experiments/daily-call-cadence');
	const verdict = page.getByTestId('verdict');
	await expect(verdict).toContainText(/^Decision\s*(Ship|Stop|Keep running|Inconclusive|Waiting|Too early)/);
	// the power reached so far for the effect the plan asks (3 points), on supportive-reminder
	await page.goto('/experiments/supportive-reminder');
	await expect(page.getByTestId('power-so-far').first()).toContainText(/Power reached so far to detect a change of 3\.0 pp with the [\d,]+ analysed in control and supportive: \d+%/);
	await page.goto('/experiments/daily-call-cadence');
	// it comes before the health checks and the results
	const [v, h] = await Promise.all([verdict.boundingBox(), page.getByTestId('health').boundingBox()]);
	expect(v!.y).toBeLessThan(h!.y);
});

test('a "must fix" check blocks a launch; an admin launches anyway only with a reason to override', async ({ page }) => {
	// a draft whose supportive SMS does not say it is from a debt collector, in the end-to-end run's experiments folder
	const dir = process.env.CUREWISE_EXPERIMENTS_DIR!;
	const draft = YAML.parse(readFileSync(join(dir, 'supportive-reminder.yaml'), 'utf8'));
	Object.assign(draft, { id: 'guard-draft', title: 'Guarded launch', status: 'draft', population: { ...draft.population, exclude_experiments: ['supportive-reminder', 'daily-call-cadence'] } });
	draft.arms[1].message[0].text = 'We can set up a plan that works for you: {link}. Reply STOP to opt out.';
	writeFileSync(join(dir, 'guard-draft.yaml'), YAML.stringify(draft));
	await signIn(page, 'admin');
	await page.goto('/experiments/guard-draft');
	await page.locator('html[data-hydrated]').waitFor();
	const launch = page.getByTestId('launch-form');
	await expect(launch.getByTestId('launch-checks')).toContainText('supportive: ✗ must fix');
	// an admin may launch, but a reason alone is refused, naming the finding, and nothing is assigned
	await launch.getByLabel(/^Why launch it now/).fill('The plan offer starts this week.');
	await launch.getByRole('button', { name: /^Launch: assign/ }).click();
	await expect(launch.getByRole('alert')).toContainText('was not launched: a check says "must fix": supportive (message 1): message check: The text message does not say it is from a debt collector');
	await expect(page.getByTestId('status')).toHaveText(/draft/);
	// with the reason to override, it launches; the trail keeps both reasons
	await launch.getByLabel(/^Why launch it now/).fill('The plan offer starts this week.');
	await launch.getByLabel(/^Launch although a check says "must fix"/).fill('Legal approved this wording for a one-week pilot.');
	await launch.getByRole('button', { name: /^Launch: assign/ }).click();
	await expect(page.getByTestId('action-done')).toContainText(/Launched: [\d,]+ accounts assigned/);
	await page.goto('/trail?action=experiment.launch');
	await expect(page.locator('body')).toContainText('Legal approved this wording for a one-week pilot.');
});

test('the effect over time shows what the analysis said at the end of each week, ending with today’s', async ({ page }) => {
	await signIn(page, 'strategist');
	await page.goto('/experiments/supportive-reminder');
	const section = page.locator('section[aria-labelledby=eot-h]');
	await expect(section.getByRole('heading', { level: 2 })).toHaveText(/Effect over time: cure rate/i);
	// streamed after the rest of the page: the loading line goes, the chart comes
	await expect(section.getByTestId('eot-loading')).toHaveCount(0, { timeout: 60_000 });
	await expect(section.locator('figcaption')).toContainText(/^supportive: [+−]\d+\.\d pp on \d+ \w+ 2026, over [\d,]+ accounts .* the first answer, on \d+ \w+ 2026, was [+−]\d+\.\d pp/);
	await section.getByText('Data as a table').click();
	const table = section.locator('details table');
	await expect(table.locator('thead')).toContainText('As of');
	const rows = table.locator('tbody tr');
	expect(await rows.count()).toBeGreaterThan(4);
	// the last row is the as-of date of the analysis above: the same difference as the headline
	// (the sentence with its interval sits under "How this was worked out": its text, shown or not)
	const headline = ((await page.getByTestId('primary-sentence').textContent()) ?? '').match(/[+−]\d+\.\d pp/)?.[0];
	expect(headline).toBeTruthy();
	await expect(rows.last()).toContainText(headline!);
});

test('a young experiment’s results are hidden until its minimum run ends, with the date and the days to go', async ({ page }) => {
	// running since 27 June; the data end on 1 July: 3 of its 7 days of minimum run are left
	const dir = process.env.CUREWISE_EXPERIMENTS_DIR!;
	const young = YAML.parse(readFileSync(join(dir, 'supportive-reminder.yaml'), 'utf8'));
	Object.assign(young, {
		id: 'e2e-young',
		title: 'A young experiment',
		start: '2026-06-27',
		population: { ...young.population, delinquency: { episode_started_on_or_after: '2026-06-27' }, exclude_experiments: ['supportive-reminder', 'daily-call-cadence'] }
	});
	writeFileSync(join(dir, 'e2e-young.yaml'), YAML.stringify(young));
	// its assignments, imported as an outreach platform's export would be
	const accounts = readFileSync(join(dirname(process.env.CUREWISE_E2E_DB!), 'demo', 'accounts.csv'), 'utf8').split('\n').slice(1, 41).map((l) => l.split(',')[0]);
	const rows = accounts.map((a, i) => `e2e-young,${a},${i % 2 ? 'supportive' : 'control'},2026-06-28T10:00:00Z`);
	const admin = await pwRequest.newContext({ baseURL: BASE });
	expect((await admin.post('/login', { form: { username: 'e2e-admin', password: PASSWORD }, headers: { origin: BASE, accept: 'text/html' } })).ok()).toBe(true);
	const upload = await admin.post('/data/imports', {
		headers: { 'x-file-name': 'experiment_assignments_young.csv', 'x-table': 'experiment_assignments', origin: BASE },
		data: ['experiment_id,account_id,variant,assigned_at', ...rows, ''].join('\n')
	});
	expect(upload.status(), await upload.text()).toBe(202);
	const { job_id } = await upload.json();
	await expect.poll(async () => (await (await admin.get(`/data/imports/${job_id}`)).json()).state, { timeout: 60_000 }).toBe('done');
	await admin.dispose();

	await signIn(page, 'strategist');
	await page.goto('/experiments/e2e-young');
	await expect(page.getByTestId('results-hidden')).toContainText('Hidden until 4 Jul 2026 (3 days of data to go), the end of the minimum run of 7 days set at launch');
	await expect(page.getByTestId('primary-sentence')).toHaveCount(0);
	await expect(page.locator('section[aria-labelledby=eot-h]')).toHaveCount(0);
	// the guardrails are still watched meanwhile
	await expect(page.getByTestId('results-hidden')).toContainText('The guardrails below are watched meanwhile');
});
