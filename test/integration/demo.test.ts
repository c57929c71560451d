/**
 * The demo-data generator against a real DuckDB: generates, reads the CSVs back with DuckDB
 * and checks the properties the product owner asked for (contract formats, enums,
 * references, planted compliance findings, the two experiments' effects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoFiles, type DemoFile } from '../../src/lib/server/demo/generate.ts';
import { CALL_OUTCOMES, CONTRACT, MESSAGE_OUTCOMES, TABLE_NAMES, tableDef } from '../../src/lib/contract.ts';

const AS_OF = '2026-06-30';
const BIG = 20_000; // the experiment effects need a few thousand episodes per arm
const SMALL = 3_000;

let dir: string;
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let big: DemoFile[];
let small1: DemoFile[];
let small2: DemoFile[];
let small3: DemoFile[];

async function rows(sql: string): Promise<Record<string, unknown>[]> {
	const reader = await conn.runAndReadAll(sql);
	return reader.getRowObjectsJS() as Record<string, unknown>[];
}
async function one<T = unknown>(sql: string): Promise<T> {
	const r = await rows(sql);
	return Object.values(r[0] ?? {})[0] as T;
}
const num = async (sql: string) => Number(await one(sql));

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'curewise-demo-'));
	instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
	conn = await instance.connect();
	// a user table that happens to share the generator's prefix must survive untouched
	await conn.run(`CREATE TABLE demo_accounts AS SELECT 'keep me' AS note`);

	big = await generateDemoFiles(conn, { outDir: join(dir, 'big'), accounts: BIG, seed: 7, asOf: AS_OF });
	small1 = await generateDemoFiles(conn, { outDir: join(dir, 's1'), accounts: SMALL, seed: 1 });
	small2 = await generateDemoFiles(conn, { outDir: join(dir, 's2'), accounts: SMALL, seed: 1 });
	small3 = await generateDemoFiles(conn, { outDir: join(dir, 's3'), accounts: SMALL, seed: 2 });

	for (const t of TABLE_NAMES) {
		await conn.run(
			`CREATE VIEW v_${t} AS SELECT * FROM read_csv('${join(dir, 'big', t + '.csv')}', header = true, all_varchar = true)`
		);
	}
	// typed helpers
	await conn.run(`CREATE VIEW ix AS
		SELECT i.*, i.occurred_at::TIMESTAMPTZ AS t, a.region, a.timezone AS azone,
		  timezone(a.timezone, i.occurred_at::TIMESTAMPTZ) AS lt_addr,
		  timezone(coalesce(i.contact_timezone, a.timezone), i.occurred_at::TIMESTAMPTZ) AS lt_phone
		FROM v_interactions i JOIN v_accounts a USING (account_id)`);
}, 120_000);

afterAll(async () => {
	conn?.closeSync();
	instance?.closeSync();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('demo generator: files', () => {
	it('writes one CSV per contract table, with the contract columns in order', async () => {
		expect(big.map((f) => f.table)).toEqual([...TABLE_NAMES]);
		for (const f of big) {
			const header = readFileSync(f.path, 'utf8').split('\n', 1)[0];
			expect(header, f.table).toBe(tableDef(f.table as never).columns.map((c) => c.name).join(','));
			expect(f.rows, f.table).toBeGreaterThan(0);
			expect(await num(`SELECT count(*) FROM v_${f.table}`), f.table).toBe(f.rows);
		}
		expect(big.find((f) => f.table === 'accounts')!.rows).toBe(BIG);
	});

	it('is deterministic: same seed gives byte-identical files, another seed different ones', () => {
		for (let i = 0; i < small1.length; i++) {
			const a = readFileSync(small1[i]!.path);
			const b = readFileSync(small2[i]!.path);
			const c = readFileSync(small3[i]!.path);
			expect(a.equals(b), small1[i]!.table).toBe(true);
			expect(a.equals(c), small1[i]!.table).toBe(false);
		}
	});

	it('leaves no temp objects behind and does not touch the user tables', async () => {
		expect(await num(`SELECT count(*) FROM duckdb_tables() WHERE temporary`)).toBe(0);
		expect(await num(`SELECT count(*) FROM duckdb_functions() WHERE function_name LIKE 'demo\\_%' ESCAPE '\\'`)).toBe(0);
		expect(await one(`SELECT note FROM main.demo_accounts`)).toBe('keep me');
	});

	it('has about 30 interactions per account', async () => {
		const perAccount = (await num(`SELECT count(*) FROM v_interactions`)) / BIG;
		expect(perAccount).toBeGreaterThan(22);
		expect(perAccount).toBeLessThan(40);
	});
});

describe('demo generator: contract formats', () => {
	it('writes timestamps with an offset, dates, money, booleans and times as the importer requires', async () => {
		for (const t of CONTRACT) {
			for (const c of t.columns) {
				const pattern =
					c.type === 'timestamptz'
						? '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(Z|[+-]\\d{2}:\\d{2})'
						: c.type === 'date'
							? '\\d{4}-\\d{2}-\\d{2}'
							: c.type === 'decimal'
								? '\\d+(\\.\\d{1,2})?'
								: c.type === 'bool'
									? 'true|false'
									: c.type === 'time'
										? '\\d{2}:\\d{2}:\\d{2}'
										: null;
				if (!pattern) continue;
				const bad = await num(
					`SELECT count(*) FROM v_${t.name} WHERE "${c.name}" IS NOT NULL AND NOT regexp_full_match("${c.name}", '${pattern}')`
				);
				expect(bad, `${t.name}.${c.name}`).toBe(0);
			}
		}
	});

	it('keeps required columns filled and enum values inside the contract', async () => {
		for (const t of CONTRACT) {
			for (const c of t.columns) {
				if (c.required) {
					expect(await num(`SELECT count(*) FROM v_${t.name} WHERE "${c.name}" IS NULL`), `${t.name}.${c.name}`).toBe(0);
				}
				if (c.type === 'enum') {
					const values = (c.values ?? []).map((v) => `'${v}'`).join(', ');
					const bad = await num(`SELECT count(*) FROM v_${t.name} WHERE "${c.name}" NOT IN (${values})`);
					expect(bad, `${t.name}.${c.name}`).toBe(0);
				}
			}
		}
	});

	it('has unique primary keys', async () => {
		for (const t of CONTRACT) {
			const key = t.primaryKey.map((k) => `"${k}"`).join(', ');
			const dup = await num(`SELECT count(*) FROM (SELECT ${key} FROM v_${t.name} GROUP BY ${key} HAVING count(*) > 1)`);
			expect(dup, t.name).toBe(0);
		}
	});

	it('uses every channel, party and outcome, with call outcomes only on calls and message outcomes only on messages', async () => {
		const def = tableDef('interactions');
		for (const col of ['channel', 'party', 'direction', 'tone']) {
			const expected = def.columns.find((c) => c.name === col)!.values!;
			const seen = (await rows(`SELECT DISTINCT ${col} AS v FROM v_interactions WHERE ${col} IS NOT NULL`)).map((r) => r.v);
			expect(new Set(seen), col).toEqual(new Set(expected));
		}
		const callSeen = (
			await rows(`SELECT DISTINCT outcome AS v FROM v_interactions WHERE channel IN ('call', 'ringless_voicemail')`)
		).map((r) => r.v);
		const msgSeen = (
			await rows(`SELECT DISTINCT outcome AS v FROM v_interactions WHERE channel NOT IN ('call', 'ringless_voicemail')`)
		).map((r) => r.v);
		expect(new Set(callSeen)).toEqual(new Set(CALL_OUTCOMES));
		expect(new Set(msgSeen)).toEqual(new Set(MESSAGE_OUTCOMES));
	});

	it('uses every value of the other enums', async () => {
		for (const [table, col] of [
			['accounts', 'segment'],
			['accounts', 'closed_reason'],
			['payments', 'method'],
			['payments', 'status'],
			['complaints', 'category'],
			['complaints', 'source'],
			['complaints', 'severity'],
			['contact_preferences', 'channel'],
			['contact_preferences', 'kind']
		] as const) {
			const expected = tableDef(table).columns.find((c) => c.name === col)!.values!;
			const seen = (await rows(`SELECT DISTINCT ${col} AS v FROM v_${table} WHERE ${col} IS NOT NULL`)).map((r) => r.v);
			expect(new Set(seen), `${table}.${col}`).toEqual(new Set(expected));
		}
	});
});

describe('demo generator: consistency', () => {
	it('refers only to existing accounts, and consumer contacts to the account holder', async () => {
		for (const t of ['delinquencies', 'interactions', 'payments', 'complaints', 'experiment_assignments']) {
			const orphans = await num(`SELECT count(*) FROM v_${t} x ANTI JOIN v_accounts a USING (account_id)`);
			expect(orphans, t).toBe(0);
		}
		expect(
			await num(`SELECT count(*) FROM v_contact_preferences p JOIN v_accounts a USING (account_id) WHERE p.customer_id <> a.customer_id`)
		).toBe(0);
		expect(
			await num(`SELECT count(*) FROM v_interactions i JOIN v_accounts a USING (account_id)
			  WHERE i.party = 'consumer' AND i.customer_id <> a.customer_id`)
		).toBe(0);
		// third parties are other people
		expect(await num(`SELECT count(*) FROM v_interactions WHERE party = 'third_party' AND customer_id LIKE 'T%'`)).toBeGreaterThan(0);
	});

	it('has people with one to three debts, mostly retail, with risk scores and vulnerable customers', async () => {
		const perPerson = await rows(`SELECT n, count(*) AS people FROM (SELECT customer_id, count(*) AS n FROM v_accounts GROUP BY 1) GROUP BY n ORDER BY n`);
		expect(perPerson.map((r) => Number(r.n))).toEqual([1, 2, 3]);
		const seg = Object.fromEntries((await rows(`SELECT segment, count(*) / ${BIG} AS s FROM v_accounts GROUP BY 1`)).map((r) => [r.segment, Number(r.s)]));
		expect(seg.retail).toBeGreaterThan(0.75);
		expect(seg.sme).toBeGreaterThan(seg.corporate!);
		expect(await num(`SELECT count(*) FROM v_accounts WHERE risk_score::INTEGER NOT BETWEEN 0 AND 1000`)).toBe(0);
		const vulnerable = (await num(`SELECT count(*) FROM v_accounts WHERE vulnerable = 'true'`)) / BIG;
		expect(vulnerable).toBeGreaterThan(0.04);
		expect(vulnerable).toBeLessThan(0.1);
		expect(await num(`SELECT count(*) FROM v_accounts WHERE currency <> 'USD'`)).toBe(0);
	});

	it('places accounts in many states with the right IANA zone', async () => {
		const states = (await rows(`SELECT DISTINCT region, timezone FROM v_accounts`)) as { region: string; timezone: string }[];
		const zone = new Map(states.map((s) => [s.region, s.timezone]));
		for (const r of ['US-MA', 'US-NY', 'US-WA', 'US-CA', 'US-TX', 'US-AZ', 'US-FL', 'US-IL', 'US-CO', 'US-HI']) {
			expect(zone.has(r), r).toBe(true);
		}
		expect(zone.get('US-AZ')).toBe('America/Phoenix');
		expect(zone.get('US-HI')).toBe('Pacific/Honolulu');
		expect(zone.get('US-MA')).toBe('America/New_York');
		expect(zone.get('US-CA')).toBe('America/Los_Angeles');
		expect(zone.get('US-TX')).toBe('America/Chicago');
		expect(zone.size).toBeGreaterThanOrEqual(20);
	});

	it('has some accounts whose phone zone differs from the address zone', async () => {
		const share =
			(await num(`SELECT count(DISTINCT account_id) FROM ix WHERE party = 'consumer' AND contact_timezone <> azone`)) / BIG;
		expect(share).toBeGreaterThan(0.04);
		expect(share).toBeLessThan(0.12);
	});

	it('keeps delinquency episodes consistent', async () => {
		expect(await num(`SELECT count(*) FROM v_delinquencies WHERE cured_on IS NOT NULL AND charged_off_on IS NOT NULL`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_delinquencies WHERE cured_on::DATE < started_on::DATE OR charged_off_on::DATE < started_on::DATE`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_delinquencies WHERE charged_off_on::DATE - started_on::DATE < 120`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_delinquencies WHERE greatest(started_on, cured_on, charged_off_on)::DATE > DATE '${AS_OF}'`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_delinquencies WHERE amount_past_due::DECIMAL(12, 2) <= 0`)).toBe(0);
		const open = await num(`SELECT count(*) FROM v_delinquencies WHERE cured_on IS NULL AND charged_off_on IS NULL`);
		const cured = await num(`SELECT count(*) FROM v_delinquencies WHERE cured_on IS NOT NULL`);
		const chargedOff = await num(`SELECT count(*) FROM v_delinquencies WHERE charged_off_on IS NOT NULL`);
		expect(open).toBeGreaterThan(0);
		expect(chargedOff).toBeGreaterThan(0);
		expect(cured).toBeGreaterThan(chargedOff);
		// most accounts have one episode, some two, some none
		const perAccount = await rows(`SELECT n, count(*) AS c FROM (
		  SELECT a.account_id, count(d.episode_id) AS n FROM v_accounts a LEFT JOIN v_delinquencies d USING (account_id) GROUP BY 1
		) GROUP BY n ORDER BY n`);
		expect(perAccount.map((r) => Number(r.n))).toEqual([0, 1, 2]);
		// start dates spread over the 12 months before asOf
		expect(await num(`SELECT count(DISTINCT strftime(started_on::DATE, '%Y-%m')) FROM v_delinquencies`)).toBeGreaterThanOrEqual(12);
	});

	it('has settled payments around every cure, plans with several instalments, and reversals', async () => {
		const curedWithoutPayment = await num(`SELECT count(*) FROM v_delinquencies d
		  WHERE d.cured_on IS NOT NULL AND NOT EXISTS (
		    SELECT 1 FROM v_payments p WHERE p.account_id = d.account_id AND p.status = 'settled'
		      AND abs(p.paid_at::TIMESTAMPTZ::DATE - d.cured_on::DATE) <= 1)`);
		expect(curedWithoutPayment).toBe(0);
		expect(await num(`SELECT count(*) FROM (SELECT plan_id FROM v_payments WHERE plan_id IS NOT NULL GROUP BY 1 HAVING count(*) >= 3)`)).toBeGreaterThan(0);
		expect(await num(`SELECT count(*) FROM v_payments WHERE amount::DECIMAL(12, 2) <= 0`)).toBe(0);
	});

	it('closes accounts after a cure (customer_left), on charge-off and when paid off', async () => {
		expect(await num(`SELECT count(*) FROM v_accounts WHERE (closed_on IS NULL) <> (closed_reason IS NULL)`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_accounts WHERE closed_on::DATE < opened_on::DATE`)).toBe(0);
		const leftWithoutCure = await num(`SELECT count(*) FROM v_accounts a WHERE closed_reason = 'customer_left'
		  AND NOT EXISTS (SELECT 1 FROM v_delinquencies d WHERE d.account_id = a.account_id AND d.cured_on::DATE <= a.closed_on::DATE)`);
		expect(leftWithoutCure).toBe(0);
		const chargedOffMismatch = await num(`SELECT count(*) FROM v_accounts a WHERE closed_reason = 'charged_off'
		  AND NOT EXISTS (SELECT 1 FROM v_delinquencies d WHERE d.account_id = a.account_id AND d.charged_off_on = a.closed_on)`);
		expect(chargedOffMismatch).toBe(0);
	});
});

describe('demo generator: compliance findings to be found', () => {
	it('contacts mostly in the local working day, with a few before 08:00 or after 21:00 and at weekends', async () => {
		const r = (
			await rows(`SELECT count(*) AS n,
			  count(*) FILTER (WHERE hour(lt_addr) BETWEEN 9 AND 18) AS day,
			  count(*) FILTER (WHERE hour(lt_addr) < 8 OR lt_addr::TIME > TIME '21:00:00') AS odd_addr,
			  count(*) FILTER (WHERE hour(lt_phone) < 8 OR lt_phone::TIME > TIME '21:00:00') AS odd_phone,
			  count(*) FILTER (WHERE dayofweek(lt_addr) IN (0, 6)) AS weekend
			FROM ix WHERE direction = 'outbound'`)
		)[0]!;
		const n = Number(r.n);
		expect(Number(r.day) / n).toBeGreaterThan(0.75);
		expect(Number(r.odd_addr)).toBeGreaterThan(0);
		expect(Number(r.odd_phone)).toBeGreaterThan(0);
		expect((Number(r.odd_addr) + Number(r.odd_phone)) / n).toBeLessThan(0.03);
		expect(Number(r.weekend)).toBeGreaterThan(0);
		expect(Number(r.weekend) / n).toBeLessThan(0.2);
	});

	it('has debts with more than 7 placed calls in 7 days (Regulation F prong A), mostly in the daily_call arm', async () => {
		await conn.run(`CREATE OR REPLACE TEMP TABLE calls_per_day AS
		  SELECT customer_id, account_id, lt_addr::DATE AS d, count(*) AS n FROM ix
		  WHERE direction = 'outbound' AND channel IN ('call', 'ringless_voicemail') AND party IN ('consumer', 'third_party')
		    AND outcome NOT IN ('busy', 'not_in_service')
		  GROUP BY ALL`);
		await conn.run(`CREATE OR REPLACE TEMP TABLE prong_a AS
		  SELECT DISTINCT x.account_id FROM calls_per_day x JOIN calls_per_day y
		    ON y.customer_id = x.customer_id AND y.account_id = x.account_id AND y.d BETWEEN x.d - 6 AND x.d
		  GROUP BY x.customer_id, x.account_id, x.d HAVING sum(y.n) > 7`);
		const byArm = Object.fromEntries(
			(
				await rows(`SELECT coalesce(e.variant, '-') AS arm, count(*) AS n FROM prong_a p
				  LEFT JOIN v_experiment_assignments e ON e.account_id = p.account_id AND e.experiment_id = 'daily-call-cadence'
				  GROUP BY 1`)
			).map((r) => [r.arm, Number(r.n)])
		);
		expect(byArm.daily_call).toBeGreaterThan(20);
		expect(byArm.control ?? 0).toBe(0);
		expect(byArm['-']).toBeGreaterThan(0); // planted dialer bursts outside the experiment
	});

	it('has calls within 7 days after a conversation outside any consent_to_call window (prong B)', async () => {
		const n = await num(`SELECT count(*) FROM ix p
		  WHERE p.direction = 'outbound' AND p.channel IN ('call', 'ringless_voicemail') AND p.party = 'consumer'
		    AND p.outcome NOT IN ('busy', 'not_in_service')
		    AND EXISTS (SELECT 1 FROM ix c WHERE c.account_id = p.account_id AND c.channel = 'call' AND c.outcome = 'conversation'
		      AND c.party = 'consumer' AND c.t < p.t AND p.lt_addr::DATE - c.lt_addr::DATE <= 6)
		    AND NOT EXISTS (SELECT 1 FROM v_contact_preferences w WHERE w.kind = 'consent_to_call' AND w.customer_id = p.customer_id
		      AND p.t BETWEEN w.effective_at::TIMESTAMPTZ AND w.until_at::TIMESTAMPTZ)`);
		expect(n).toBeGreaterThan(0);
		expect(n).toBeLessThan(1000);
		// consent windows last at most 7 days
		expect(
			await num(`SELECT count(*) FROM v_contact_preferences WHERE kind = 'consent_to_call'
			  AND (until_at IS NULL OR until_at::TIMESTAMPTZ > effective_at::TIMESTAMPTZ + INTERVAL 7 DAY)`)
		).toBe(0);
	});

	it('has contacts after an opt-out on that channel and an email after a cease_communication', async () => {
		const afterOptOut = await num(`SELECT count(*) FROM ix JOIN v_contact_preferences p
		  ON p.customer_id = ix.customer_id AND p.kind = 'opt_out' AND (p.account_id IS NULL OR p.account_id = ix.account_id)
		  AND p.channel IN ('call', 'sms', 'email') AND p.channel = CASE WHEN ix.channel = 'ringless_voicemail' THEN 'call' ELSE ix.channel END
		  AND ix.t > p.effective_at::TIMESTAMPTZ AND (p.until_at IS NULL OR ix.t < p.until_at::TIMESTAMPTZ)
		  WHERE ix.direction = 'outbound'`);
		expect(afterOptOut).toBeGreaterThan(0);
		const emailAfterCease = await num(`SELECT count(*) FROM ix JOIN v_contact_preferences p
		  ON p.customer_id = ix.customer_id AND p.kind = 'cease_communication' AND (p.account_id IS NULL OR p.account_id = ix.account_id)
		  AND ix.t > p.effective_at::TIMESTAMPTZ
		  WHERE ix.direction = 'outbound' AND ix.channel = 'email'`);
		expect(emailAfterCease).toBeGreaterThan(0);
		expect(await num(`SELECT count(*) FROM v_contact_preferences WHERE kind = 'inconvenient_time' AND local_start = '12:00:00' AND local_end = '13:00:00'`)).toBeGreaterThan(0);
	});

	it('has Massachusetts debts with 3 calls or texts in 7 days', async () => {
		const n = await num(`WITH d AS (
		    SELECT account_id, lt_addr::DATE AS d, count(*) AS n FROM ix
		    WHERE region = 'US-MA' AND direction = 'outbound' AND channel IN ('call', 'sms', 'ringless_voicemail')
		      AND outcome NOT IN ('busy', 'not_in_service') GROUP BY ALL
		  )
		  SELECT count(DISTINCT x.account_id) FROM d x JOIN d y ON y.account_id = x.account_id AND y.d BETWEEN x.d - 6 AND x.d
		  GROUP BY x.account_id, x.d HAVING sum(y.n) >= 3`);
		expect(n).toBeGreaterThan(0);
	});
});

describe('demo generator: experiments', () => {
	it('assigns accounts 50/50 by experiment, at the experiment start, without overlap', async () => {
		const arms = await rows(`SELECT experiment_id, variant, count(*) AS n, min(assigned_at) AS first, max(assigned_at) AS last
		  FROM v_experiment_assignments GROUP BY ALL ORDER BY ALL`);
		expect(arms.map((r) => `${r.experiment_id}/${r.variant}`)).toEqual([
			'daily-call-cadence/control',
			'daily-call-cadence/daily_call',
			'supportive-reminder/control',
			'supportive-reminder/supportive'
		]);
		for (const exp of ['daily-call-cadence', 'supportive-reminder']) {
			const [a, b] = arms.filter((r) => r.experiment_id === exp).map((r) => Number(r.n));
			expect(a! / (a! + b!)).toBeGreaterThan(0.44);
			expect(a! / (a! + b!)).toBeLessThan(0.56);
		}
		for (const r of arms) expect(r.first).toBe(r.last);
		expect(await num(`SELECT count(*) FROM (SELECT account_id FROM v_experiment_assignments GROUP BY 1 HAVING count(*) > 1)`)).toBe(0);
		// the interactions sent under an experiment carry its arm
		expect(
			await num(`SELECT count(*) FROM v_interactions i JOIN v_experiment_assignments e USING (account_id, experiment_id)
			  WHERE i.variant <> e.variant`)
		).toBe(0);
		expect(await num(`SELECT count(*) FROM v_interactions WHERE experiment_id = 'supportive-reminder' AND variant = 'supportive' AND tone <> 'supportive'`)).toBe(0);
		expect(await num(`SELECT count(*) FROM v_interactions WHERE experiment_id = 'supportive-reminder' AND variant = 'control' AND tone <> 'firm'`)).toBe(0);
	});

	/** per arm: the share of mature episodes (started 30+ days before as-of) cured within 30 days */
	async function cureRate30ByArm(experiment: string): Promise<Record<string, number>> {
		return Object.fromEntries(
			(
				await rows(`SELECT e.variant,
				  avg(CASE WHEN d.cured_on::DATE - d.started_on::DATE <= 30 THEN 1.0 ELSE 0.0 END) AS rate
				FROM v_experiment_assignments e
				JOIN v_delinquencies d ON d.account_id = e.account_id AND d.started_on::DATE >= e.assigned_at::TIMESTAMPTZ::DATE
				WHERE e.experiment_id = '${experiment}' AND d.started_on::DATE <= DATE '${AS_OF}' - 30
				GROUP BY 1`)
			).map((r) => [r.variant, Number(r.rate)])
		);
	}

	it('supportive-reminder: the supportive arm cures 1–6 points more within 30 days, with fewer complaints', async () => {
		const cure = await cureRate30ByArm('supportive-reminder');
		const lift = cure.supportive! - cure.control!;
		expect(lift).toBeGreaterThan(0.01);
		expect(lift).toBeLessThan(0.06);
		const complaints = await complaintsPerAccount('supportive-reminder');
		expect(complaints.supportive!).toBeLessThan(complaints.control!);
	});

	it('daily-call-cadence: daily calls cure a little more but draw many more complaints and opt-outs', async () => {
		const cure = await cureRate30ByArm('daily-call-cadence');
		expect(cure.daily_call! - cure.control!).toBeGreaterThan(-0.01);
		expect(cure.daily_call! - cure.control!).toBeLessThan(0.06);
		const complaints = await complaintsPerAccount('daily-call-cadence');
		expect(complaints.daily_call!).toBeGreaterThan(2 * complaints.control!);
		const frequency = await complaintsPerAccount('daily-call-cadence', `AND c.category = 'contact_frequency'`);
		expect(frequency.daily_call!).toBeGreaterThan(3 * frequency.control!);
		const optOuts = Object.fromEntries(
			(
				await rows(`SELECT e.variant, count(p.event_id) / count(DISTINCT e.account_id) AS r
				FROM v_experiment_assignments e JOIN v_accounts a USING (account_id)
				LEFT JOIN v_contact_preferences p ON p.customer_id = a.customer_id AND p.kind = 'opt_out'
				  AND p.effective_at::TIMESTAMPTZ >= e.assigned_at::TIMESTAMPTZ
				WHERE e.experiment_id = 'daily-call-cadence' GROUP BY 1`)
			).map((r) => [r.variant, Number(r.r)])
		);
		expect(optOuts.daily_call!).toBeGreaterThan(1.5 * optOuts.control!);
	});
});

async function complaintsPerAccount(experiment: string, filter = ''): Promise<Record<string, number>> {
	return Object.fromEntries(
		(
			await rows(`SELECT e.variant, count(c.complaint_id) / count(DISTINCT e.account_id) AS r
			FROM v_experiment_assignments e
			LEFT JOIN v_complaints c ON c.account_id = e.account_id AND c.received_at::TIMESTAMPTZ >= e.assigned_at::TIMESTAMPTZ ${filter}
			WHERE e.experiment_id = '${experiment}' GROUP BY 1`)
		).map((r) => [r.variant, Number(r.r)])
	);
}
