/**
 * The demo dataset as DuckDB SQL. Every row is generated set-wise (range, unnest, joins,
 * window functions); randomness comes from hash(seed, tag, ids…), never random(), so that
 * the same seed gives byte-identical files whatever the thread count.
 *
 * Conventions in the SQL:
 * - `ld` is a local day number (days since 1970-01-01 in the customer's address zone);
 *   `ts` is a UTC instant in epoch seconds; `secs` a local clock time in seconds.
 * - uniforms: demo_u(tag, x), demo_u3(tag, x, y), demo_u4(tag, x, y, z) ∈ [0, 1);
 *   demo_s(h, k) / demo_s10(h, k) take the k-th 16-bit / 10-bit slice of one hash as a
 *   uniform (cheap, for the bulk rows).
 * - codes: seg 0 retail 1 sme 2 corporate; tone 0 supportive 1 neutral 2 firm; cadence
 *   0 light 1 standard 2 heavy 3 daily; ch / party / outcome index the lists in reference.ts.
 * - exp 0 none, 1 supportive-reminder, 2 daily-call-cadence; variant 0 control, 1 treatment.
 * - prof packs what the output needs about an account: sid * 1024 + psid * 32 + nph * 8 +
 *   product (address state, phone state, number of phones, product).
 */
import { PREFERENCE_CHANNELS } from '../../vocabulary.ts';
import {
	AGENT_COUNT,
	CHANNELS,
	COMPLAINT_CATEGORIES,
	COMPLAINT_SOURCES,
	EMAIL_DOMAINS,
	EXPERIMENTS,
	OUTCOMES,
	PARTIES,
	PAYMENT_METHODS,
	PRODUCTS,
	SEGMENTS,
	SEVERITIES,
	STATES,
	STREETS,
	TONES,
	ZONES
} from './reference.ts';

export interface DemoSqlParams {
	seed: number;
	accounts: number;
	/** day number of asOf (days since 1970-01-01) */
	asOfLd: number;
	/**
	 * false when the database runs with preserve_insertion_order = false: then only a
	 * top-level ORDER BY keeps the interactions file in a deterministic order (slower)
	 */
	preserveInsertionOrder?: boolean;
}

export interface DemoSql {
	/** statements run in order: macros, temp tables */
	build: string[];
	/** one SELECT per output table, in contract column order, ordered by its key */
	outputs: { table: string; select: string }[];
	/** drops every temp object created by build */
	cleanup: string[];
}

const lit = (xs: readonly string[]) => '[' + xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ') + ']';

/** Every temp table build creates, for cleanup. */
export const DEMO_TABLES = [
	'demo_zones',
	'demo_states',
	'demo_state_slot',
	'demo_tzoff',
	'demo_bits',
	'demo_customers',
	'demo_accounts',
	'demo_ep1',
	'demo_ep2',
	'demo_episodes',
	'demo_close',
	'demo_cand',
	'demo_conv',
	'demo_conv_ok',
	'demo_cb',
	'demo_trig',
	'demo_opt',
	'demo_cease',
	'demo_block',
	'demo_extra',
	'demo_complaints',
	'demo_payments',
	'demo_prefs',
	'demo_assign'
] as const;
export const DEMO_MACROS = ['demo_u', 'demo_u3', 'demo_u4', 'demo_s', 'demo_s10', 'demo_fmt', 'demo_date'] as const;

export function demoSql(p: DemoSqlParams): DemoSql {
	const S = `${Math.trunc(p.seed)}::BIGINT`;
	const N = Math.trunc(p.accounts);
	const ASOF = p.asOfLd;
	const P0 = ASOF - 364; // first day of the 12-month window
	const MATURE30 = ASOF - 30; // episodes started on or before this day are mature for cure_rate_30d
	const E1 = ASOF - EXPERIMENTS.supportive.startDaysBeforeAsOf;
	const E2 = ASOF - EXPERIMENTS.daily.startDaysBeforeAsOf;
	const E1TS = E1 * 86400 + 14 * 3600; // 14:00Z on the start day
	const E2TS = E2 * 86400 + 14 * 3600;
	// enough customers for N accounts (1.35 accounts per customer on average)
	const NC = Math.ceil(N / 1.3) + 50;
	// id widths: never truncated, at least 8 / 7 digits
	const WA = Math.max(8, String(N).length);
	const WC = Math.max(7, String(NC).length);
	const WK = String((N * 3 + 3) * 1024 * 16).length;
	const accId = (x: string) => `printf('A%0${WA}d', ${x} + 1)`;
	const custId = (prefix: string, x: string) => `printf('${prefix}%0${WC}d', ${x} + 1)`;

	const maIdx = STATES.findIndex((s) => s.region === 'US-MA');
	const waIdx = STATES.findIndex((s) => s.region === 'US-WA');
	const nyIdx = STATES.findIndex((s) => s.region === 'US-NY');
	const caIdx = STATES.findIndex((s) => s.region === 'US-CA');

	// state slots out of 10000 by weight
	const totalW = STATES.reduce((s, x) => s + x.weight, 0);
	let acc = 0;
	const stateRows = STATES.map((s, i) => {
		const lo = Math.round((acc / totalW) * 10000);
		acc += s.weight;
		const hi = Math.round((acc / totalW) * 10000);
		return `(${i}, '${s.region}', '${s.abbr}', ${s.zid}, ${lo}, ${hi})`;
	});
	// constant lists for the output (indexed by sid + 1 / zid + 1)
	const SZ = `[${STATES.map((s) => s.zid).join(', ')}]`;
	const ZN = lit(ZONES);
	const CODES = `[${STATES.map((s) => `[${s.areaCodes.map((c) => `'${c}'`).join(', ')}]`).join(', ')}]`;
	const NCODES = `[${STATES.map((s) => s.areaCodes.length).join(', ')}]`;
	const ABBR = lit(STATES.map((s) => s.abbr));
	const ZIP3 = lit(STATES.map((s) => s.zip3));

	const u3 = (tag: number, x: string, y: string) => `demo_u3(${tag}, ${x}, ${y})`;
	// NB: hash() is UBIGINT; `hash(…) % <integer column>` takes a very slow path in DuckDB,
	// so a column divisor is applied after `% 720720` (divisible by 1…16) and a cast to INTEGER.

	const build: string[] = [];

	// ---------------------------------------------------------------- macros
	build.push(
		`CREATE OR REPLACE TEMP MACRO demo_u(t, x) AS (hash(${S}, t, x) % 1000000007) / 1000000007.0`,
		`CREATE OR REPLACE TEMP MACRO demo_u3(t, x, y) AS (hash(${S}, t, x, y) % 1000000007) / 1000000007.0`,
		`CREATE OR REPLACE TEMP MACRO demo_u4(t, x, y, z) AS (hash(${S}, t, x, y, z) % 1000000007) / 1000000007.0`,
		`CREATE OR REPLACE TEMP MACRO demo_s(h, k) AS ((h >> (16 * k)) & 65535)::DOUBLE / 65536.0`,
		`CREATE OR REPLACE TEMP MACRO demo_s10(h, k) AS ((h >> (10 * k)) & 1023)::DOUBLE / 1024.0`,
		`CREATE OR REPLACE TEMP MACRO demo_fmt(t) AS strftime(make_timestamp(t::BIGINT * 1000000), '%Y-%m-%dT%H:%M:%SZ')`,
		`CREATE OR REPLACE TEMP MACRO demo_date(l) AS (DATE '1970-01-01' + (l)::INTEGER)`
	);

	// ---------------------------------------------------------------- reference tables
	build.push(
		`CREATE OR REPLACE TEMP TABLE demo_zones AS
		 SELECT (i - 1)::INTEGER AS zid, z AS zone FROM (SELECT unnest(${ZN}) AS z, generate_subscripts(${ZN}, 1) AS i)`,
		`CREATE OR REPLACE TEMP TABLE demo_states AS
		 SELECT * FROM (VALUES ${stateRows.join(',\n')}) t(sid, region, abbr, zid, lo, hi)`,
		`CREATE OR REPLACE TEMP TABLE demo_state_slot AS
		 SELECT r.slot::INTEGER AS slot, s.sid FROM range(10000) r(slot) JOIN demo_states s ON r.slot >= s.lo AND r.slot < s.hi`,
		// UTC offset (seconds) of each zone at local noon of each day, from the IANA rules
		// (ICU): utc = local + off
		`CREATE OR REPLACE TEMP TABLE demo_tzoff AS
		 SELECT z.zid, d.ld::INTEGER AS ld,
		   (epoch(timezone(z.zone, make_timestamp((d.ld * 86400 + 43200) * 1000000))) - (d.ld * 86400 + 43200))::INTEGER AS off
		 FROM demo_zones z CROSS JOIN range(${P0 - 10}, ${ASOF + 40}) d(ld)`,
		// contact-channel bitmask → one row per set bit
		`CREATE OR REPLACE TEMP TABLE demo_bits AS
		 SELECT m.mask::INTEGER AS mask, b.bit::INTEGER AS bit FROM range(256) m(mask) CROSS JOIN range(8) b(bit)
		 WHERE (m.mask >> b.bit) & 1 = 1`
	);

	// ---------------------------------------------------------------- customers
	// 1–3 debts per person; ~9.5% have phones from another zone than their address
	build.push(`CREATE OR REPLACE TEMP TABLE demo_customers AS
	WITH g AS (
	  SELECT c::INTEGER AS c,
	    CASE WHEN demo_u(1, c) < 0.72 THEN 1 WHEN demo_u(1, c) < 0.93 THEN 2 ELSE 3 END AS k
	  FROM range(${NC}) r(c)
	), cum AS (
	  SELECT c, k, (sum(k) OVER (ORDER BY c ROWS UNBOUNDED PRECEDING) - k)::INTEGER AS first_a FROM g
	), b AS (
	  SELECT cum.*, ss.sid, demo_u(5, c) < 0.095 AS mism, s2.sid AS sid2
	  FROM cum
	  JOIN demo_state_slot ss ON ss.slot = floor(demo_u(2, cum.c) * 10000)::INTEGER
	  JOIN demo_state_slot s2 ON s2.slot = floor(demo_u(6, cum.c) * 10000)::INTEGER
	  WHERE first_a < ${N}
	), c2 AS (
	  SELECT b.*, hs.zid,
	    CASE WHEN NOT b.mism THEN b.sid WHEN ps.zid <> hs.zid THEN ps.sid WHEN hs.zid = 0 THEN ${caIdx} ELSE ${nyIdx} END AS psid
	  FROM b JOIN demo_states hs ON hs.sid = b.sid JOIN demo_states ps ON ps.sid = b.sid2
	), c3 AS (
	  SELECT c2.*, pz.zid AS pzid,
	    CASE WHEN demo_u(3, c) < 0.85 THEN 0 WHEN demo_u(3, c) < 0.97 THEN 1 ELSE 2 END AS seg
	  FROM c2 JOIN demo_states pz ON pz.sid = c2.psid
	)
	SELECT c, k, first_a, sid, zid, psid, pzid, mism, seg,
	  CASE seg WHEN 0 THEN demo_u(4, c) < 0.08 WHEN 1 THEN demo_u(4, c) < 0.02 ELSE false END AS vuln,
	  CASE WHEN demo_u(9, c) < 0.55 THEN 1 WHEN demo_u(9, c) < 0.88 THEN 2 ELSE 3 END AS nph,
	  (demo_u(7, c) + demo_u(8, c)) / 2 AS rb,
	  CASE WHEN NOT mism AND demo_u(11, c) < 0.03 THEN 1 + (hash(${S}, 12, c) % 3)::INTEGER ELSE 0 END AS inc,
	  ((${P0} + floor(demo_u(13, c) * 330))::BIGINT * 86400 + 36000 + floor(demo_u(14, c) * 21600)::BIGINT) AS inc_eff
	FROM c3`);

	// ---------------------------------------------------------------- accounts
	build.push(`CREATE OR REPLACE TEMP TABLE demo_accounts AS
	WITH x AS (
	  SELECT c, unnest(range(first_a, first_a + k)) AS a0, seg, sid, zid, psid, pzid, mism, vuln, rb, inc, inc_eff, nph FROM demo_customers
	), y AS (
	  SELECT *, a0::INTEGER AS a, demo_u(20, a0::INTEGER) AS pu FROM x WHERE a0 < ${N}
	), z AS (
	  SELECT y.*,
	    CASE seg
	      WHEN 0 THEN (pu >= 0.32)::INTEGER + (pu >= 0.52)::INTEGER + (pu >= 0.66)::INTEGER + (pu >= 0.83)::INTEGER
	      WHEN 1 THEN (pu >= 0.30)::INTEGER + (pu >= 0.65)::INTEGER + (pu >= 0.75)::INTEGER + (pu >= 0.90)::INTEGER
	      ELSE (pu >= 0.25)::INTEGER + (pu >= 0.55)::INTEGER + (pu >= 0.70)::INTEGER + (pu >= 0.85)::INTEGER
	    END AS product
	  FROM y
	)
	SELECT a, c, seg, sid, zid, psid, pzid, mism, vuln, inc, inc_eff, product,
	  (sid * 1024 + psid * 32 + nph * 8 + product)::INTEGER AS prof,
	  CASE WHEN sid = ${maIdx} THEN 1 WHEN sid = ${waIdx} THEN 2 ELSE 0 END AS regime,
	  CASE WHEN demo_u(21, a) < 0.01 THEN NULL
	       ELSE greatest(0, least(1000, round(1000 * (0.8 * rb + 0.2 * demo_u(22, a)) + CASE seg WHEN 1 THEN 30 WHEN 2 THEN -120 ELSE 0 END)))::INTEGER
	  END AS risk,
	  (${P0} - 30 - floor(demo_u(23, a) * 3000))::INTEGER AS opened_ld,
	  CASE WHEN demo_u(24, a) < 0.15 THEN 0 WHEN demo_u(24, a) < 0.80 THEN 1 ELSE 2 END AS nint,
	  CASE WHEN demo_u(25, a) < 0.5 THEN 1 ELSE 2 END AS pool,
	  CASE WHEN demo_u(26, a) < 0.20 THEN 0 WHEN demo_u(26, a) < 0.65 THEN 1 ELSE 2 END AS tone_pref,
	  CASE WHEN demo_u(27, a) < 0.25 THEN 0 WHEN demo_u(27, a) < 0.80 THEN 1 ELSE 2 END AS cad_pref,
	  (hash('${EXPERIMENTS.supportive.id}', ${S}, ${accId('a')}) % 2)::INTEGER AS v1,
	  (hash('${EXPERIMENTS.daily.id}', ${S}, ${accId('a')}) % 2)::INTEGER AS v2,
	  product IN (0, 4) AS app_push,
	  product IN (0, 3, 4) AS app_inapp
	FROM z`);

	// ---------------------------------------------------------------- delinquency episodes
	const episodeModel = (n: number, src: string) => `CREATE OR REPLACE TEMP TABLE demo_ep${n} AS
	WITH b AS (
	  SELECT s.a, s.ep, (${P0} + s.s_off)::INTEGER AS start_ld, s.prev_start,
	    ac.c, ac.product, ac.risk, ac.seg, ac.vuln, ac.regime, ac.pool, ac.tone_pref, ac.cad_pref, ac.v1, ac.v2,
	    ac.zid, ac.pzid, ac.mism, ac.inc, ac.inc_eff, ac.app_push, ac.app_inapp, ac.prof
	  FROM (${src}) s JOIN demo_accounts ac ON ac.a = s.a
	), e AS (
	  SELECT *,
	    CASE WHEN pool = 1 AND start_ld >= ${E1} AND prev_start < ${E1} THEN 1
	         WHEN pool = 2 AND regime = 0 AND start_ld >= ${E2} AND prev_start < ${E2} THEN 2
	         ELSE 0 END AS exp
	  FROM b
	), f AS (
	  SELECT *,
	    CASE exp WHEN 1 THEN v1 WHEN 2 THEN v2 ELSE 0 END AS variant,
	    CASE WHEN exp = 1 THEN (CASE WHEN v1 = 1 THEN 0 ELSE 2 END) ELSE tone_pref END AS tone,
	    CASE WHEN exp = 2 AND v2 = 1 THEN 3 ELSE cad_pref END AS cad
	  FROM e
	), g AS (
	  SELECT *,
	    round(1000000 * greatest(0.03, least(0.92,
	      [0.42, 0.38, 0.48, 0.52, 0.46][product + 1]
	      - (coalesce(risk, 500) - 500) * 0.0004
	      + [0.0, -0.03, 0.04][seg + 1]
	      - CASE WHEN vuln THEN 0.08 ELSE 0.0 END
	      + [0.03, 0.015, 0.0][tone + 1]
	      + [-0.01, 0.0, 0.01, 0.015][cad + 1])))::BIGINT AS p_ppm,
	    exp * 2 + variant AS grp,
	    hash(${S}, 40, a, ep) AS okey
	  FROM f
	), h AS (
	  -- systematic sampling within each arm (and 30-day maturity): an episode cures within 30
	  -- days with probability p (p_ppm / 1e6), and an arm's count of cures is sum(p) ± 1, so
	  -- the planted effects show even in a small dataset
	  SELECT *,
	    sum(p_ppm) OVER (PARTITION BY grp, start_ld <= ${MATURE30} ORDER BY okey, a ROWS UNBOUNDED PRECEDING) AS cum,
	    (hash(${S}, 41, ${n}, grp, start_ld <= ${MATURE30}) % 1000000)::BIGINT AS off
	  FROM g
	), i AS (
	  SELECT *,
	    ((cum + off) // 1000000) > ((cum - p_ppm + off) // 1000000) AS cure30,
	    greatest(0.1, least(0.75, 0.42 - (coalesce(risk, 500) - 500) * 0.0003 + [0.02, 0.01, 0.0][tone + 1]
	      - CASE WHEN vuln THEN 0.05 ELSE 0.0 END)) AS q
	  FROM h
	), j AS (
	  SELECT *,
	    CASE WHEN cure30 THEN 1 + floor(28.999 * pow(${u3(42, 'a', 'ep')}, 1.6))::INTEGER
	         WHEN ${u3(43, 'a', 'ep')} < q THEN 31 + floor(150 * pow(${u3(44, 'a', 'ep')}, 1.4))::INTEGER END AS cure_day0
	  FROM i
	), k AS (
	  SELECT *,
	    CASE WHEN cure_day0 IS NULL AND ${u3(45, 'a', 'ep')} < 0.78 THEN 120 + floor(60 * ${u3(46, 'a', 'ep')})::INTEGER END AS co_day0,
	    least(coalesce(cure_day0, 121), 121, ${ASOF} - start_ld + 1)::INTEGER AS span0
	  FROM j
	)
	SELECT a, ep, c, start_ld, product, seg, vuln, regime, risk, exp, variant, tone, cad, p_ppm, cure30,
	  zid, pzid, mism, inc, inc_eff, app_push, app_inapp, prof,
	  CASE WHEN start_ld + cure_day0 <= ${ASOF} THEN cure_day0 END AS cure_day,
	  CASE WHEN start_ld + co_day0 <= ${ASOF} THEN co_day0 END AS co_day,
	  round(greatest(25, [420, 780, 560, 190, 120][product + 1] * [1.0, 3.5, 14.0][seg + 1]
	    * exp(0.65 * 1.7320508 * (${u3(47, 'a', 'ep')} + ${u3(48, 'a', 'ep')} + ${u3(49, 'a', 'ep')} + ${u3(50, 'a', 'ep')} - 2))), 2)::DECIMAL(12, 2) AS amount,
	  span0 AS span,
	  CASE WHEN regime = 0 AND exp = 0 AND span0 >= 20 AND ${u3(51, 'a', 'ep')} < 0.002
	       THEN 5 + floor(${u3(52, 'a', 'ep')} * (span0 - 12))::INTEGER END AS burst_d,
	  CASE WHEN regime = 1 AND span0 >= 16 AND ${u3(53, 'a', 'ep')} < 0.08
	       THEN 1 + floor(${u3(54, 'a', 'ep')} * ((span0 - 6) // 7))::INTEGER END AS ma_week,
	  CASE WHEN span0 >= 12 AND ${u3(55, 'a', 'ep')} < 0.006
	       THEN 3 + floor(${u3(56, 'a', 'ep')} * (span0 - 5))::INTEGER END AS cease_d
	FROM k`;

	build.push(
		episodeModel(
			1,
			`SELECT a, 1 AS ep,
			   (CASE WHEN nint = 2 THEN floor(demo_u(30, a) * 200) ELSE floor(demo_u(30, a) * 364) END)::INTEGER AS s_off,
			   0 AS prev_start
			 FROM demo_accounts WHERE nint >= 1`
		),
		episodeModel(
			2,
			`SELECT * FROM (
			   SELECT e.a, 2 AS ep, (e.start_ld - ${P0} + e.cure_day + 25 + floor(demo_u(31, e.a) * 120))::INTEGER AS s_off, e.start_ld AS prev_start
			   FROM demo_ep1 e JOIN demo_accounts ac ON ac.a = e.a
			   WHERE ac.nint = 2 AND e.cure_day IS NOT NULL
			 ) WHERE s_off <= 363`
		),
		`CREATE OR REPLACE TEMP TABLE demo_episodes AS SELECT * FROM demo_ep1 UNION ALL SELECT * FROM demo_ep2`,
		`DROP TABLE IF EXISTS temp.main.demo_ep1`,
		`DROP TABLE IF EXISTS temp.main.demo_ep2`
	);

	// ---------------------------------------------------------------- account closures
	const leaveP = `[0.05, 0.08, 0.15][l.tone + 1] + CASE WHEN l.cad >= 2 THEN 0.02 ELSE 0 END`;
	const paidP = `CASE WHEN l.product IN (1, 2) THEN 0.08 ELSE 0.03 END`;
	build.push(`CREATE OR REPLACE TEMP TABLE demo_close AS
	WITH last AS (
	  SELECT * FROM demo_episodes QUALIFY row_number() OVER (PARTITION BY a ORDER BY ep DESC) = 1
	), ep_close AS (
	  SELECT l.a,
	    CASE
	      WHEN l.co_day IS NOT NULL THEN l.start_ld + l.co_day
	      WHEN l.cure_day IS NOT NULL AND demo_u(150, l.a) < ${leaveP}
	        THEN l.start_ld + l.cure_day + 10 + floor(demo_u(151, l.a) * 170)::INTEGER
	      WHEN l.cure_day IS NOT NULL AND demo_u(152, l.a) < ${paidP}
	        THEN l.start_ld + l.cure_day + 30 + floor(demo_u(153, l.a) * 250)::INTEGER
	    END AS closed_ld,
	    CASE
	      WHEN l.co_day IS NOT NULL THEN 'charged_off'
	      WHEN l.cure_day IS NOT NULL AND demo_u(150, l.a) < ${leaveP} THEN 'customer_left'
	      WHEN l.cure_day IS NOT NULL AND demo_u(152, l.a) < ${paidP} THEN 'paid_off'
	    END AS reason
	  FROM last l
	), quiet AS (
	  SELECT a, (${P0} + 30 + floor(demo_u(155, a) * 330))::INTEGER AS closed_ld,
	    CASE WHEN demo_u(154, a) < 0.02 THEN 'other' ELSE 'paid_off' END AS reason
	  FROM demo_accounts WHERE nint = 0 AND demo_u(154, a) < 0.05
	)
	SELECT a, closed_ld, reason FROM ep_close WHERE closed_ld IS NOT NULL AND closed_ld <= ${ASOF}
	UNION ALL SELECT a, closed_ld, reason FROM quiet`);

	// ---------------------------------------------------------------- interaction candidates
	// One row per episode day with a bitmask of the channels used that day, expanded through
	// demo_bits into one row per contact. Bits: 0 call, 1 sms, 2 email, 3 letter, 4 push,
	// 5 in_app, 6 inbound, 7 second call of the day (daily_call arm, planted bursts).
	// At most one placed call a day per debt keeps Regulation F's 7-in-7 limit, except
	// where bit 7 is planted.
	// thresholds are out of 1024 (10-bit slices of one hash per day); percentages as integers
	const commonBits = `
	      + (CASE WHEN ue * 100 < 123 * wke THEN 4 ELSE 0 END)
	      + (CASE WHEN d IN (3, 30, 60, 90) THEN 8 ELSE 0 END)
	      + (CASE WHEN app_push AND up * 10000 < 61 * dec * wkf THEN 16 ELSE 0 END)
	      + (CASE WHEN app_inapp AND ui * 100 < 46 * wkf THEN 32 ELSE 0 END)`;
	const inboundBit = `(CASE WHEN uin < CASE WHEN d < 10 THEN 51 ELSE 20 END THEN 64 ELSE 0 END)`;
	build.push(`CREATE OR REPLACE TEMP TABLE demo_cand AS
	WITH days AS (
	  SELECT a, ep, c, start_ld, regime, exp, variant, tone, cad, zid, pzid, mism, inc, inc_eff, app_push, app_inapp,
	    burst_d, ma_week, prof, pcb, psb, unnest(range(1, span)) AS d
	  FROM (
	    SELECT *,
	      -- base daily probability of a call / an sms by cadence, out of 1024
	      CASE cad WHEN 0 THEN 246 WHEN 1 THEN 471 WHEN 2 THEN 737 ELSE 1024 END AS pcb,
	      CASE cad WHEN 0 THEN 123 WHEN 1 THEN 215 WHEN 2 THEN 338 ELSE 215 END AS psb
	    FROM demo_episodes WHERE span > 1
	  )
	), dm AS (
	  SELECT *, (start_ld + d)::INTEGER AS ld, hash(${S}, 70, a, ep, d) AS h1,
	    ((start_ld + d + 4) % 7) IN (0, 6) AS wkend,
	    CASE WHEN d <= 30 THEN 100 WHEN d <= 60 THEN 85 WHEN d <= 90 THEN 70 ELSE 60 END AS dec
	  FROM days
	), dp AS (
	  SELECT *,
	    CASE WHEN wkend THEN 30 ELSE 100 END AS wkf,
	    CASE WHEN wkend THEN 50 ELSE 100 END AS wke,
	    -- the daily arm calls every day; others call less as the episode ages and rarely at weekends
	    CASE WHEN cad = 3 THEN 1000000 ELSE dec * CASE WHEN wkend THEN 12 ELSE 100 END END AS cdec,
	    h1 & 1023 AS uc, (h1 >> 10) & 1023 AS us, (h1 >> 20) & 1023 AS ue,
	    (h1 >> 30) & 1023 AS up, (h1 >> 40) & 1023 AS ui, (h1 >> 50) & 1023 AS uin,
	    (burst_d IS NOT NULL AND d BETWEEN burst_d AND burst_d + 5) AS in_burst,
	    (ma_week IS NOT NULL AND d // 7 = ma_week AND d % 7 IN (0, 3, 5)) AS in_ma
	  FROM dm
	), mk AS (
	  SELECT *,
	    CASE regime
	    WHEN 0 THEN
	      (CASE WHEN in_burst OR (d >= CASE WHEN cad = 3 THEN 2 ELSE 4 END AND uc * 10000 < pcb * cdec) THEN 1 ELSE 0 END)
	      + (CASE WHEN us * 10000 < psb * dec * wkf THEN 2 ELSE 0 END)
	      ${commonBits}
	      + ${inboundBit}
	      -- the daily arm's call always fires, so uc is free to draw its second call (10% of weekdays)
	      + (CASE WHEN (in_burst AND (d - burst_d) % 2 = 0) OR (cad = 3 AND NOT wkend AND d >= 2 AND uc < 102) THEN 128 ELSE 0 END)
	    WHEN 1 THEN
	      -- Massachusetts: calls and texts only on days 0 and 3 of each week of the episode, one a day
	      (CASE WHEN in_ma OR (d % 7 IN (0, 3) AND d >= 4 AND uc * 4000 < least(3276000, pcb * cdec)) THEN 1 ELSE 0 END)
	      + (CASE WHEN NOT in_ma AND d % 7 IN (0, 3) AND NOT (d >= 4 AND uc * 4000 < least(3276000, pcb * cdec))
	                   AND us * 5000 < least(2560000, psb * dec * wkf) THEN 2 ELSE 0 END)
	      ${commonBits}
	      + ${inboundBit}
	    ELSE
	      -- Washington: one outbound contact a day on days 0, 2 and 4 of each week, letters included
	      (CASE WHEN d IN (2, 30, 58, 86, 114) THEN 8
	            WHEN d % 7 IN (0, 2, 4) THEN
	              CASE WHEN d >= 4 AND uc * 100 < 410 * wkf THEN 1 WHEN uc * 100 < 563 * wkf THEN 2 WHEN uc * 100 < 696 * wkf THEN 4 ELSE 0 END
	            ELSE 0 END)
	      + ${inboundBit}
	    END AS mask
	  FROM dp
	), rw AS (
	  SELECT mk.a, mk.ep, mk.c, mk.d, mk.ld, mk.exp, mk.variant, mk.tone, mk.cad, mk.zid, mk.pzid, mk.mism,
	    mk.inc, mk.inc_eff, mk.wkend, mk.in_burst OR mk.in_ma AS pl, mk.prof, bt.bit
	  FROM mk JOIN demo_bits bt ON bt.mask = mk.mask
	  WHERE mk.mask <> 0
	), rl AS (
	  SELECT *,
	    hash(${S}, 73, a, ep, d, bit) AS hr,
	    (bit IN (0, 7) AND pl) AS planted
	  FROM rw
	), rc AS (
	  -- one hash per contact: 12 + 12 + 16 + 8 + 10 + 6 bits
	  SELECT *,
	    (hr & 4095) / 4096.0 AS uo, ((hr >> 12) & 4095) / 4096.0 AS ut, ((hr >> 24) & 65535) / 65536.0 AS ut2,
	    ((hr >> 40) & 255) / 256.0 AS uch, ((hr >> 48) & 1023) / 1024.0 AS upa, ((hr >> 58) & 63) / 64.0 AS uinc,
	    CASE WHEN bit = 6 THEN 1 ELSE 0 END AS dir
	  FROM rl
	), rc2 AS (
	  SELECT *,
	    CASE bit
	      WHEN 0 THEN CASE WHEN NOT planted AND uch < 0.06 THEN 6 ELSE 0 END
	      WHEN 7 THEN 0
	      WHEN 6 THEN CASE WHEN uch < 0.6 THEN 0 WHEN uch < 0.85 THEN 1 ELSE 2 END
	      ELSE bit
	    END AS ch
	  FROM rc
	), rp AS (
	  SELECT *,
	    CASE WHEN dir = 0 AND ch = 0 AND NOT planted THEN
	           CASE WHEN upa < 0.95 THEN 0 WHEN upa < 0.985 THEN 1 WHEN upa < 0.993 THEN 2 WHEN upa < 0.997 THEN 3 ELSE 4 END
	         WHEN dir = 0 AND ch = 3 AND upa >= 0.995 THEN 2
	         ELSE 0 END AS party
	  FROM rc2
	), ro AS (
	  SELECT *,
	    CASE
	      WHEN dir = 1 THEN CASE WHEN ch = 0 THEN (CASE WHEN uo < 0.85 THEN 6 WHEN uo < 0.95 THEN 5 ELSE 3 END) ELSE 9 END
	      WHEN planted THEN CASE WHEN uo < 0.5 THEN 4 WHEN uo < 0.8 THEN 0 ELSE 3 END
	      WHEN ch = 0 AND party >= 2 THEN CASE WHEN uo < 0.5 THEN 6 WHEN uo < 0.8 THEN 3 ELSE 0 END
	      WHEN ch = 0 THEN CASE WHEN uo < 0.42 THEN 0 WHEN uo < 0.47 THEN 1 WHEN uo < 0.49 THEN 2 WHEN uo < 0.69 THEN 3
	                            WHEN uo < 0.82 THEN 4 WHEN uo < 0.88 THEN 5 WHEN uo < 0.97 THEN 6 ELSE 7 END
	      WHEN ch = 6 THEN CASE WHEN uo < 0.85 THEN 3 WHEN uo < 0.95 THEN 4 ELSE 2 END
	      WHEN ch = 1 THEN CASE WHEN uo < (CASE cad WHEN 0 THEN 0.008 WHEN 1 THEN 0.010 ELSE 0.02 END) + (CASE WHEN tone = 2 THEN 0.004 ELSE 0.0 END) THEN 14
	                            WHEN uo < 0.06 THEN 8 WHEN uo < 0.66 THEN 9 WHEN uo < 0.70 THEN 10 WHEN uo < 0.86 THEN 12
	                            WHEN uo < 0.94 THEN 13 ELSE 9 END
	      WHEN ch = 2 THEN CASE WHEN uo < (CASE cad WHEN 0 THEN 0.006 WHEN 1 THEN 0.008 WHEN 2 THEN 0.016 ELSE 0.012 END) THEN 14
	                            WHEN uo < 0.09 THEN 8 WHEN uo < 0.52 THEN 9 WHEN uo < 0.57 THEN 10 WHEN uo < 0.84 THEN 11
	                            WHEN uo < 0.95 THEN 12 WHEN uo < 0.98 THEN 13 ELSE 9 END
	      WHEN ch = 3 THEN CASE WHEN uo < 0.88 THEN 8 WHEN uo < 0.97 THEN 9 ELSE 10 END
	      WHEN ch = 4 THEN CASE WHEN uo < 0.15 THEN 8 WHEN uo < 0.70 THEN 9 WHEN uo < 0.95 THEN 11 ELSE 12 END
	      ELSE CASE WHEN uo < 0.55 THEN 9 WHEN uo < 0.88 THEN 11 ELSE 12 END
	    END AS outcome,
	    -- local clock: mostly 09:00–19:00 on weekdays, a few before 08:00 / after 21:00,
	    -- a nightly email batch at 02:00–05:00
	    CASE
	      WHEN dir = 1 THEN 25200 + floor(ut2 * 57600)
	      WHEN ch IN (0, 6) AND planted THEN 32400 + floor(ut2 * 36000)
	      WHEN ch IN (0, 6) AND wkend THEN 36000 + floor(ut2 * 21600)
	      WHEN ch IN (0, 6) THEN CASE WHEN ut < 0.005 THEN 25200 + floor(ut2 * 3600)
	                                  WHEN ut < 0.009 THEN 75601 + floor(ut2 * 3598)
	                                  WHEN ut < 0.07 THEN 28800 + floor(ut2 * 3600)
	                                  WHEN ut < 0.14 THEN 68400 + floor(ut2 * 7199)
	                                  ELSE 32400 + floor(ut2 * 36000) END
	      WHEN ch = 1 THEN CASE WHEN ut < 0.003 THEN 27000 + floor(ut2 * 1800)
	                            WHEN ut < 0.005 THEN 75601 + floor(ut2 * 1798)
	                            ELSE 32400 + floor(ut2 * 39600) END
	      WHEN ch = 2 THEN CASE WHEN ut < 0.01 THEN 7200 + floor(ut2 * 10800) ELSE 28800 + floor(ut2 * 43200) END
	      WHEN ch = 3 THEN 36000 + floor(ut2 * 21600)
	      ELSE CASE WHEN ut < 0.004 THEN 75601 + floor(ut2 * 3598) ELSE 36000 + floor(ut2 * 36000) END
	    END::INTEGER AS secs0
	  FROM rp
	), rt AS (
	  SELECT *,
	    -- a contact that falls in the person's inconvenient_time range is moved out of it (92%)
	    CASE WHEN inc = 0 OR dir = 1 THEN secs0
	         WHEN uinc >= 0.08 AND ld::BIGINT * 86400 + secs0 >= inc_eff
	              AND secs0 >= [43200, 32400, 61200][inc] AND secs0 < [46800, 39600, 68400][inc]
	         THEN secs0 + [3600, 7200, -7200][inc] ELSE secs0 END AS secs,
	    -- the dialer schedules calls and texts by the phone's zone
	    CASE WHEN mism AND dir = 0 AND ch IN (0, 1, 6) AND party = 0 THEN pzid ELSE zid END AS zs
	  FROM ro
	)
	SELECT
	  ((rt.a::BIGINT * 3 + rt.ep) * 1024 + rt.d) * 16 + rt.bit AS key,
	  rt.a, rt.c, rt.ep::TINYINT AS ep, rt.d::SMALLINT AS d, rt.ld, rt.bit::TINYINT AS kind,
	  rt.ch::TINYINT AS ch, rt.dir::TINYINT AS dir, rt.party::TINYINT AS party, rt.outcome::TINYINT AS outcome,
	  (CASE WHEN rt.dir = 1 THEN NULL
	        WHEN rt.ch = 3 THEN (CASE WHEN rt.d >= 90 THEN 2 ELSE 1 END)
	        WHEN rt.ch IN (4, 5) OR rt.party > 0 THEN 1
	        WHEN rt.ch = 2 AND rt.exp = 1 THEN 1
	        ELSE rt.tone END)::TINYINT AS tone,
	  (CASE WHEN rt.dir = 0 AND rt.party = 0 AND ((rt.exp = 1 AND rt.ch IN (0, 1)) OR (rt.exp = 2 AND rt.ch = 0)) THEN rt.exp ELSE 0 END)::TINYINT AS exp,
	  rt.variant::TINYINT AS variant,
	  rt.ld::BIGINT * 86400 + rt.secs + o1.off AS ts,
	  (rt.dir = 0 AND (rt.secs < 28800 OR rt.secs > 75600
	     OR ((rt.secs + o1.off - o2.off) % 86400 + 86400) % 86400 < 28800
	     OR ((rt.secs + o1.off - o2.off) % 86400 + 86400) % 86400 > 75600)) AS odd,
	  rt.planted, rt.prof
	FROM rt
	JOIN demo_tzoff o1 ON o1.zid = rt.zs AND o1.ld = rt.ld
	JOIN demo_tzoff o2 ON o2.zid = rt.zid AND o2.ld = rt.ld`);

	// ---------------------------------------------------------------- conversations, callbacks
	// Regulation F prong (B): the dialer places no call within 7 days (conversation day = day 1)
	// after a conversation with the person. Suppression is computed against every candidate
	// conversation, which can only remove more calls than needed (never creates a violation).
	const ROWCOLS = 'key, a, c, ep, d, ld, kind, ch, dir, party, outcome, tone, exp, variant, ts, odd, planted, prof';
	build.push(
		`CREATE OR REPLACE TEMP TABLE demo_conv AS
		 SELECT r.key, r.a, r.c, r.ep, r.d, r.ld, r.ts, r.dir, r.tone, r.exp, r.variant, r.prof,
		   e.regime, e.cad, e.mism, e.zid
		 FROM demo_cand r JOIN demo_episodes e ON e.a = r.a AND e.ep = r.ep
		 WHERE r.ch = 0 AND r.outcome = 6 AND r.party = 0`,
		`CREATE OR REPLACE TEMP TABLE demo_conv_ok AS
		 SELECT v.* FROM (SELECT * FROM demo_conv WHERE dir = 0) v
		 ANTI JOIN demo_conv w ON w.a = v.a AND w.ts < v.ts AND w.ld >= v.ld - 6
		 UNION ALL
		 SELECT * FROM demo_conv WHERE dir = 1`,
		// callbacks the person asked for: a consent_to_call window of kk days, one call inside it
		`CREATE OR REPLACE TEMP TABLE demo_cb AS
		 WITH base AS (
		   SELECT v.*, 1 + (hash(${S}, 121, v.key) % 6)::INTEGER AS kk
		   FROM demo_conv_ok v
		   WHERE v.dir = 0 AND v.regime = 0 AND NOT v.mism AND demo_u(120, v.key) < 0.04
		 ), cb AS (
		   SELECT b.*, 1 + ((hash(${S}, 122, b.key) % 720720)::INTEGER % b.kk) AS j FROM base b
		 ), cb2 AS (
		   SELECT cb.*, (cb.ld + cb.j)::INTEGER AS cb_ld, (cb.d + cb.j)::INTEGER AS cb_d,
		     36000 + floor(demo_u(123, cb.key) * 25200)::INTEGER AS cb_secs,
		     demo_u(124, cb.key) AS cu
		   FROM cb JOIN demo_episodes e ON e.a = cb.a AND e.ep = cb.ep
		   WHERE cb.ld + cb.j <= ${ASOF} AND cb.d + cb.j < e.span
		 ), cb3 AS (
		   SELECT cb2.*, cb2.cb_ld::BIGINT * 86400 + cb2.cb_secs + o.off AS cb_ts,
		     (cb2.ld + cb2.kk)::BIGINT * 86400 + 72000 + o2.off AS consent_until
		   FROM cb2
		   JOIN demo_tzoff o ON o.zid = cb2.zid AND o.ld = cb2.cb_ld
		   JOIN demo_tzoff o2 ON o2.zid = cb2.zid AND o2.ld = cb2.ld + cb2.kk
		 )
		 SELECT ((x.a::BIGINT * 3 + x.ep) * 1024 + x.cb_d) * 16 + 8 AS key,
		   x.a, x.c, x.ep, x.cb_d::SMALLINT AS d, x.cb_ld AS ld, 8::TINYINT AS kind,
		   0::TINYINT AS ch, 0::TINYINT AS dir, 0::TINYINT AS party,
		   (CASE WHEN x.cu < 0.6 THEN 6 WHEN x.cu < 0.85 THEN 3 ELSE 0 END)::TINYINT AS outcome,
		   x.tone::TINYINT AS tone, x.exp::TINYINT AS exp, x.variant::TINYINT AS variant,
		   x.cb_ts AS ts, false AS odd, false AS planted, x.prof,
		   x.ts + 120 + (hash(${S}, 125, x.key) % 480)::BIGINT AS consent_at, x.consent_until
		 FROM cb3 x
		 -- the window ends at the next conversation: no callback after one
		 ANTI JOIN demo_conv w ON w.a = x.a AND w.ts > x.ts AND w.ts <= x.cb_ts`
	);

	// ---------------------------------------------------------------- opt-outs, cease
	build.push(
		`CREATE OR REPLACE TEMP TABLE demo_trig AS
		 SELECT r.key, r.a, r.c, r.ep, r.d, r.ld, r.ts, r.prof, e.mism, e.zid, CASE r.ch WHEN 1 THEN 'sms' ELSE 'email' END AS g
		 FROM demo_cand r JOIN demo_episodes e ON e.a = r.a AND e.ep = r.ep
		 WHERE r.dir = 0 AND r.outcome = 14
		 UNION ALL
		 SELECT key, a, c, ep, d, ld, ts, prof, mism, zid, CASE WHEN demo_u(127, key) < 0.15 THEN 'all' ELSE 'call' END AS g
		 FROM demo_conv_ok WHERE dir = 0 AND demo_u(126, key) < [0.015, 0.02, 0.04, 0.12][cad + 1]
		 UNION ALL
		 SELECT r.key, r.a, r.c, r.ep, r.d, r.ld, r.ts, r.prof, e.mism, e.zid, 'letter' AS g
		 FROM demo_cand r JOIN demo_episodes e ON e.a = r.a AND e.ep = r.ep
		 WHERE r.dir = 1 AND r.ch = 2 AND demo_u(128, r.key) < 0.04`,
		`CREATE OR REPLACE TEMP TABLE demo_opt AS
		 WITH f AS (
		   SELECT * FROM demo_trig QUALIFY row_number() OVER (PARTITION BY c, g ORDER BY ts, key) = 1
		 ), e AS (
		   SELECT f.*,
		     f.ts + CASE g WHEN 'sms' THEN 30 + hash(${S}, 130, key) % 270
		                   WHEN 'email' THEN 600 + hash(${S}, 130, key) % 6600
		                   WHEN 'letter' THEN 3600 + hash(${S}, 130, key) % 7200
		                   ELSE 60 + hash(${S}, 130, key) % 540 END::BIGINT AS eff,
		     CASE WHEN demo_u(131, key) < 0.6 THEN a END AS scope_a
		   FROM f
		 )
		 SELECT e.*,
		   CASE WHEN g = 'call' AND demo_u(132, key) < 0.2 THEN eff + 30 * 86400 END AS until_ts,
		   CASE WHEN g IN ('sms', 'email') AND demo_u(133, key) < 0.10
		             AND eff + (20 + hash(${S}, 134, key) % 70)::BIGINT * 86400 <= ${ASOF}::BIGINT * 86400
		        THEN eff + (20 + hash(${S}, 134, key) % 70)::BIGINT * 86400 END AS optin_ts
		 FROM e`,
		`CREATE OR REPLACE TEMP TABLE demo_cease AS
		 SELECT e.a, e.c, e.ep, e.cease_d AS d, (e.start_ld + e.cease_d)::INTEGER AS ld, e.zid, e.mism, e.tone, e.prof,
		   (e.start_ld + e.cease_d)::BIGINT * 86400 + 39600 + (hash(${S}, 140, e.a, e.ep) % 18000)::BIGINT + o.off AS eff,
		   CASE WHEN demo_u3(141, e.a, e.ep) < 0.75 THEN e.a END AS scope_a
		 FROM demo_episodes e JOIN demo_tzoff o ON o.zid = e.zid AND o.ld = e.start_ld + e.cease_d
		 WHERE e.cease_d IS NOT NULL`,
		// per debt and channel group (0 call/rvm, 1 sms, 2 email, 3 letter, 4 push/in_app):
		// outbound contact is blocked from eff until end_ts
		`CREATE OR REPLACE TEMP TABLE demo_block AS
		 WITH b AS (
		   SELECT c, scope_a, g, eff, coalesce(until_ts, optin_ts) AS end_ts FROM demo_opt
		   UNION ALL
		   SELECT c, scope_a, 'cease' AS g, eff, NULL::BIGINT AS end_ts FROM demo_cease
		 )
		 SELECT ac.a, gc.gc::INTEGER AS gc, b.eff, coalesce(b.end_ts, 9000000000000) AS end_ts
		 FROM b JOIN demo_accounts ac ON ac.c = b.c
		 CROSS JOIN range(5) gc(gc)
		 WHERE (b.scope_a IS NULL OR b.scope_a = ac.a)
		   AND (b.g IN ('all', 'cease') OR b.g = ${lit([...PREFERENCE_CHANNELS.filter((c) => c !== 'all'), '-'])}[gc.gc + 1])`
	);

	// ---------------------------------------------------------------- planted and extra rows
	const plantedRow = (kind: number, ch: number, tone: string, outcome: string) => `
		   ((x.a::BIGINT * 3 + x.ep) * 1024 + x.nd) * 16 + ${kind} AS key,
		   x.a, x.c, x.ep::TINYINT AS ep, x.nd::SMALLINT AS d, x.nld AS ld, ${kind}::TINYINT AS kind,
		   ${ch}::TINYINT AS ch, 0::TINYINT AS dir, 0::TINYINT AS party, (${outcome})::TINYINT AS outcome,
		   (${tone})::TINYINT AS tone, 0::TINYINT AS exp, 0::TINYINT AS variant,
		   x.nld::BIGINT * 86400 + x.nsecs + o.off AS ts, false AS odd, true AS planted, x.prof`;
	build.push(`CREATE OR REPLACE TEMP TABLE demo_extra AS
	WITH after_conv AS (
	  -- a call 1–5 days after a conversation (Regulation F prong B)
	  SELECT v.a, v.c, v.ep, v.zid, v.tone, v.key, v.prof,
	    (v.d + 1 + hash(${S}, 160, v.key) % 5)::INTEGER AS nd, (v.ld + 1 + hash(${S}, 160, v.key) % 5)::INTEGER AS nld,
	    32400 + floor(demo_u(161, v.key) * 36000)::INTEGER AS nsecs
	  FROM demo_conv_ok v
	  ANTI JOIN demo_cb b ON b.a = v.a AND b.consent_at > v.ts AND b.consent_at < v.ts + 1200
	  -- only after a conversation that stays in the export (not blocked by an opt-out or a cease)
	  ANTI JOIN demo_block k ON k.a = v.a AND k.gc = 0 AND v.ts > k.eff AND v.ts < k.end_ts
	  -- outside the experiments, like the dialer bursts: the experiments' arms differ only by treatment
	  WHERE v.dir = 0 AND v.exp = 0 AND NOT v.mism AND demo_u(162, v.key) < 0.006
	), after_opt AS (
	  -- one more contact on the channel 1–10 days after the opt-out
	  SELECT t.a, t.c, t.ep, t.zid, t.g, t.key, t.prof,
	    (t.d + 1 + hash(${S}, 163, t.key) % 10)::INTEGER AS nd, (t.ld + 1 + hash(${S}, 163, t.key) % 10)::INTEGER AS nld,
	    36000 + floor(demo_u(164, t.key) * 28800)::INTEGER AS nsecs
	  FROM demo_opt t
	  -- a call opt-out comes with a conversation, so the planted call is a prong (B) call too: only
	  -- outside the experiments, whose arms differ only by treatment
	  WHERE t.g IN ('call', 'sms', 'email') AND NOT t.mism AND demo_u(165, t.key) < 0.06
	    AND (t.g <> 'call' OR NOT EXISTS (SELECT 1 FROM demo_episodes e WHERE e.a = t.a AND e.ep = t.ep AND e.exp <> 0))
	), after_cease AS (
	  -- an email 2–20 days after a cease_communication
	  SELECT s.a, s.c, s.ep, s.zid, s.tone, s.prof,
	    (s.d + 2 + hash(${S}, 166, s.a, s.ep) % 19)::INTEGER AS nd, (s.ld + 2 + hash(${S}, 166, s.a, s.ep) % 19)::INTEGER AS nld,
	    28800 + floor(demo_u3(167, s.a, s.ep) * 36000)::INTEGER AS nsecs
	  FROM demo_cease s WHERE demo_u3(168, s.a, s.ep) < 0.5
	), quiet AS (
	  -- accounts with no delinquency: a few statements and notices over the year
	  SELECT ac.a, ac.c, ac.zid, ac.app_push, ac.app_inapp, ac.prof, unnest(range((hash(${S}, 170, ac.a) % 4)::INTEGER)) AS j
	  FROM demo_accounts ac WHERE ac.nint = 0
	), quiet2 AS (
	  SELECT q.*, floor(demo_u3(171, q.a, q.j) * 364)::INTEGER AS p, demo_u3(172, q.a, q.j) AS cu, demo_u3(173, q.a, q.j) AS ou,
	    demo_u3(174, q.a, q.j) AS tu
	  FROM quiet q LEFT JOIN demo_close cl ON cl.a = q.a
	  WHERE cl.a IS NULL OR ${P0} + floor(demo_u3(171, q.a, q.j) * 364) < cl.closed_ld
	), quiet3 AS (
	  SELECT *, CASE WHEN cu < 0.45 THEN 2 WHEN cu < 0.7 THEN 3 WHEN cu < 0.85 AND app_inapp THEN 5 WHEN app_push THEN 4 ELSE 2 END AS ch
	  FROM quiet2
	)
	SELECT ${plantedRow(9, 0, 'x.tone', 'CASE WHEN demo_u(169, x.key) < 0.6 THEN 0 ELSE 3 END')}
	FROM after_conv x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = x.nld
	WHERE x.nld <= ${ASOF}
	UNION ALL
	SELECT ${plantedRow(10, 0, '1', 'CASE WHEN demo_u(169, x.key) < 0.6 THEN 0 ELSE 3 END')}
	FROM after_opt x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = x.nld
	WHERE x.nld <= ${ASOF} AND x.g = 'call'
	UNION ALL
	SELECT ${plantedRow(11, 1, '1', 'CASE WHEN demo_u(169, x.key) < 0.8 THEN 9 ELSE 12 END')}
	FROM after_opt x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = x.nld
	WHERE x.nld <= ${ASOF} AND x.g = 'sms'
	UNION ALL
	SELECT ${plantedRow(12, 2, '1', 'CASE WHEN demo_u(169, x.key) < 0.7 THEN 9 ELSE 11 END')}
	FROM after_opt x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = x.nld
	WHERE x.nld <= ${ASOF} AND x.g = 'email'
	UNION ALL
	SELECT ${plantedRow(13, 2, 'x.tone', 'CASE WHEN demo_u3(169, x.a, x.ep) < 0.7 THEN 9 ELSE 11 END')}
	FROM after_cease x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = x.nld
	WHERE x.nld <= ${ASOF}
	UNION ALL
	SELECT ((x.a::BIGINT * 3) * 1024 + x.p) * 16 + x.j AS key,
	  x.a, x.c, 0::TINYINT AS ep, x.p::SMALLINT AS d, (${P0} + x.p)::INTEGER AS ld, x.j::TINYINT AS kind,
	  x.ch::TINYINT AS ch, 0::TINYINT AS dir, 0::TINYINT AS party,
	  (CASE x.ch WHEN 2 THEN (CASE WHEN ou < 0.1 THEN 8 WHEN ou < 0.55 THEN 9 WHEN ou < 0.6 THEN 10 WHEN ou < 0.9 THEN 11 ELSE 12 END)
	             WHEN 3 THEN (CASE WHEN ou < 0.9 THEN 8 ELSE 9 END)
	             WHEN 4 THEN (CASE WHEN ou < 0.6 THEN 9 ELSE 11 END)
	             ELSE (CASE WHEN ou < 0.5 THEN 9 WHEN ou < 0.9 THEN 11 ELSE 12 END) END)::TINYINT AS outcome,
	  1::TINYINT AS tone, 0::TINYINT AS exp, 0::TINYINT AS variant,
	  (${P0} + x.p)::BIGINT * 86400 + 36000 + floor(x.tu * 28800)::BIGINT + o.off AS ts, false AS odd, false AS planted, x.prof
	FROM quiet3 x JOIN demo_tzoff o ON o.zid = x.zid AND o.ld = ${P0} + x.p`);

	// ---------------------------------------------------------------- complaints
	// per episode, with a rate that rises with the contact load of the episode (planned
	// contacts, before suppression), firm tone, out-of-hours contacts and third-party calls
	build.push(`CREATE OR REPLACE TEMP TABLE demo_complaints AS
	WITH agg AS (
	  SELECT a, ep,
	    count(*) FILTER (WHERE dir = 0) AS n_out,
	    count(*) FILTER (WHERE dir = 0 AND ch IN (0, 6) AND party = 0) AS n_call,
	    count(*) FILTER (WHERE odd) AS n_odd,
	    count(*) FILTER (WHERE party = 1) AS n_tp
	  FROM demo_cand GROUP BY a, ep
	), w AS (
	  SELECT e.a, e.ep, e.c, e.start_ld, e.span, e.zid, e.vuln,
	    0.5 + 3.0 * greatest(0, 7.0 * g.n_call / greatest(e.span - 1, 7) - 1.5) AS w_freq,
	    [0.5, 1.2, 2.5][e.tone + 1] AS w_tone,
	    0.2 + 1.5 * least(g.n_odd, 4) AS w_time,
	    1.5 AS w_bill,
	    0.2 + 2.0 * least(g.n_tp, 2) AS w_priv,
	    0.6 AS w_other,
	    g.n_out
	  FROM demo_episodes e JOIN agg g ON g.a = e.a AND g.ep = e.ep
	), l AS (
	  SELECT *, w_freq + w_tone + w_time + w_bill + w_priv + w_other AS w_sum,
	    0.0015 * (w_freq + w_tone + w_time + w_bill + w_priv + w_other) * (CASE WHEN vuln THEN 1.5 ELSE 1.0 END) * (1 + n_out / 80.0) AS lam,
	    demo_u3(180, a, ep) AS cu
	  FROM w
	), n AS (
	  SELECT *, unnest(range((cu < lam)::INTEGER + (cu < lam * 0.12)::INTEGER)) AS j FROM l
	), r AS (
	  SELECT n.*, demo_u4(181, a, ep, j) * w_sum AS cw, demo_u4(182, a, ep, j) AS su, demo_u4(183, a, ep, j) AS sv,
	    least(${ASOF}, start_ld + 2 + floor(demo_u4(184, a, ep, j) * (greatest(span, 3) + 10)))::INTEGER AS cld,
	    28800 + floor(demo_u4(185, a, ep, j) * 43200)::INTEGER AS csecs
	  FROM n
	)
	SELECT r.a, r.ep, r.j,
	  CASE WHEN cw < w_freq THEN 0 WHEN cw < w_freq + w_tone THEN 1 WHEN cw < w_freq + w_tone + w_time THEN 2
	       WHEN cw < w_freq + w_tone + w_time + w_bill THEN 3 WHEN cw < w_freq + w_tone + w_time + w_bill + w_priv THEN 4 ELSE 5 END AS cat,
	  CASE WHEN su < 0.38 THEN 0 WHEN su < 0.58 THEN 1 WHEN su < 0.83 THEN 2 WHEN su < 0.90 THEN 3 WHEN su < 0.96 THEN 4 ELSE 5 END AS src,
	  sv,
	  r.cld::BIGINT * 86400 + r.csecs + o.off AS ts
	FROM r JOIN demo_tzoff o ON o.zid = r.zid AND o.ld = r.cld
	UNION ALL
	SELECT ac.a, 0 AS ep, 0 AS j,
	  CASE WHEN demo_u(186, ac.a) < 0.6 THEN 3 WHEN demo_u(186, ac.a) < 0.8 THEN 4 ELSE 5 END AS cat,
	  CASE WHEN demo_u(187, ac.a) < 0.5 THEN 0 ELSE 2 END AS src,
	  demo_u(188, ac.a) AS sv,
	  (${P0} + floor(demo_u(189, ac.a) * 364))::BIGINT * 86400 + 36000 + o.off AS ts
	FROM demo_accounts ac JOIN demo_tzoff o ON o.zid = ac.zid AND o.ld = ${P0} + floor(demo_u(189, ac.a) * 364)::INTEGER
	WHERE ac.nint = 0 AND demo_u(190, ac.a) < 0.003`);

	// ---------------------------------------------------------------- payments
	// type 1 plan instalment, 2 lump sum, 3 partial (before cure), 4 partial (no cure),
	// 5 broken plan; status 1 = reversed. A reversed attempt (type + 5) precedes ~4% of
	// settled payments.
	const methodU = (x: string) => `demo_u4(209, w.a, w.ep, ${x})`;
	build.push(`CREATE OR REPLACE TEMP TABLE demo_payments AS
	WITH e AS (
	  SELECT *, demo_u3(200, a, ep) AS pu FROM demo_episodes
	), plan AS (
	  SELECT *, least(6, 1 + (cure_day - 1) // 14) AS kmax FROM e
	  WHERE cure_day IS NOT NULL AND cure_day > 30 AND pu < 0.45 + CASE WHEN tone = 0 THEN 0.15 ELSE 0.0 END
	), plan2 AS (
	  SELECT *, 2 + ((hash(${S}, 201, a, ep) % 720720)::INTEGER % (kmax - 1)) AS k FROM plan
	), plan_rows AS (
	  SELECT a, ep, zid, 1 AS typ, i, cure_day - (k - 1 - i) * 14 AS pd,
	    CASE WHEN i < k - 1 THEN floor(amount * 100 / k) / 100 ELSE amount - (k - 1) * floor(amount * 100 / k) / 100 END AS amt,
	    true AS in_plan, 0 AS status
	  FROM (SELECT *, unnest(range(k)) AS i FROM plan2)
	), lump AS (
	  SELECT * FROM e WHERE cure_day IS NOT NULL AND NOT (cure_day > 30 AND pu < 0.45 + CASE WHEN tone = 0 THEN 0.15 ELSE 0.0 END)
	), lump_rows AS (
	  SELECT a, ep, zid, 2 AS typ, 0 AS i, cure_day AS pd,
	    CASE WHEN cure_day >= 4 AND demo_u3(202, a, ep) < 0.25 THEN amount - round(amount * 0.3, 2) ELSE amount END AS amt,
	    false AS in_plan, 0 AS status
	  FROM lump
	  UNION ALL
	  SELECT a, ep, zid, 3 AS typ, 0 AS i, cure_day // 2 AS pd, round(amount * 0.3, 2) AS amt, false, 0
	  FROM lump WHERE cure_day >= 4 AND demo_u3(202, a, ep) < 0.25
	), open_rows AS (
	  SELECT a, ep, zid, 4 AS typ, i, 1 + floor(demo_u4(203, a, ep, i) * (span - 1))::INTEGER AS pd,
	    round(amount * (0.1 + 0.3 * demo_u4(204, a, ep, i)), 2) AS amt, false AS in_plan, 0 AS status
	  FROM (SELECT *, unnest(range(1 + (hash(${S}, 205, a, ep) % 2)::INTEGER)) AS i FROM e
	        WHERE cure_day IS NULL AND span >= 3 AND pu < 0.35)
	  UNION ALL
	  SELECT a, ep, zid, 5 AS typ, i, 10 + 14 * i AS pd, round(amount / 6, 2) AS amt, true AS in_plan,
	    CASE WHEN i = 2 THEN 1 ELSE 0 END AS status
	  FROM (SELECT *, unnest(range(3)) AS i FROM e WHERE cure_day IS NULL AND span > 40 AND pu >= 0.35 AND pu < 0.43)
	), allp AS (
	  SELECT * FROM plan_rows UNION ALL SELECT * FROM lump_rows UNION ALL SELECT * FROM open_rows
	), withrev AS (
	  SELECT * FROM allp
	  UNION ALL
	  SELECT a, ep, zid, typ + 5 AS typ, i, pd - 1 - (hash(${S}, 206, a, ep, typ, i) % 3)::INTEGER AS pd, amt, in_plan, 1 AS status
	  FROM allp WHERE status = 0 AND pd >= 5 AND demo_u4(207, a, ep, typ * 10 + i) < 0.04
	)
	SELECT w.a, w.ep, w.typ, w.i, w.amt::DECIMAL(12, 2) AS amount, w.in_plan, w.status,
	  (ep.start_ld + w.pd)::BIGINT * 86400 + 21600 + floor(demo_u4(208, w.a, w.ep, w.typ * 10 + w.i) * 63000)::BIGINT + o.off AS ts,
	  CASE WHEN w.in_plan THEN (CASE WHEN ${methodU('w.i')} < 0.65 THEN 2 WHEN ${methodU('w.i')} < 0.9 THEN 0 ELSE 1 END)
	       ELSE (CASE WHEN ${methodU('w.typ * 10 + w.i')} < 0.40 THEN 0 WHEN ${methodU('w.typ * 10 + w.i')} < 0.65 THEN 1
	                  WHEN ${methodU('w.typ * 10 + w.i')} < 0.75 THEN 2 WHEN ${methodU('w.typ * 10 + w.i')} < 0.87 THEN 3
	                  WHEN ${methodU('w.typ * 10 + w.i')} < 0.92 THEN 4 ELSE 5 END) END AS method
	FROM withrev w
	JOIN demo_episodes ep ON ep.a = w.a AND ep.ep = w.ep
	JOIN demo_tzoff o ON o.zid = w.zid AND o.ld = ep.start_ld + w.pd
	WHERE w.amt > 0 AND w.pd >= 0 AND ep.start_ld + w.pd <= ${ASOF}`);

	// ---------------------------------------------------------------- contact preferences
	build.push(`CREATE OR REPLACE TEMP TABLE demo_prefs AS
	SELECT 'EV1-' || lpad(key::VARCHAR, ${WK}, '0') AS event_id, c, scope_a AS a, g AS channel, 'opt_out' AS kind,
	  eff AS eff_ts, until_ts, NULL::TIME AS local_start, NULL::TIME AS local_end
	FROM demo_opt
	UNION ALL
	SELECT 'EV2-' || lpad(key::VARCHAR, ${WK}, '0'), c, scope_a, g, 'opt_in', optin_ts, NULL, NULL, NULL
	FROM demo_opt WHERE optin_ts IS NOT NULL
	UNION ALL
	SELECT 'EV3-' || printf('%0${WA}d-%d', a + 1, ep), c, scope_a, 'all', 'cease_communication', eff, NULL, NULL, NULL
	FROM demo_cease
	UNION ALL
	SELECT 'EV4-' || lpad(key::VARCHAR, ${WK}, '0'), c, a, 'call', 'consent_to_call', consent_at, consent_until, NULL, NULL
	FROM demo_cb
	UNION ALL
	SELECT 'EV5-' || printf('%0${WC}d', cu.c + 1), cu.c,
	  CASE WHEN demo_u(191, cu.c) < 0.3 THEN cu.first_a END,
	  CASE WHEN demo_u(192, cu.c) < 0.4 THEN 'all' ELSE 'call' END, 'inconvenient_time',
	  cu.inc_eff + o.off, NULL,
	  ['12:00:00', '09:00:00', '17:00:00'][cu.inc]::TIME, ['13:00:00', '11:00:00', '19:00:00'][cu.inc]::TIME
	FROM demo_customers cu JOIN demo_tzoff o ON o.zid = cu.zid AND o.ld = cu.inc_eff // 86400
	WHERE cu.inc > 0
	UNION ALL
	-- the collector learns that an attorney represents the person for the debt half an hour after its
	-- last call to the attorney (one episode in fifty with one); later contacts break 1006.6(b)(2)
	SELECT 'EV6-' || printf('%0${WA}d-%d', a + 1, ep), c, a, 'all', 'represented_by_attorney', max(ts) + 1800, NULL, NULL, NULL
	FROM demo_cand WHERE party = 2 AND dir = 0 AND demo_u3(333, a, ep) < 0.02
	GROUP BY a, c, ep
	UNION ALL
	-- a few people called late agreed beforehand to calls from 21:00 to 22:30 (1006.6(b)(1))
	SELECT 'EV7-' || printf('%0${WC}d', c + 1), c, NULL, 'call', 'consent_to_time', min(ts) - 2 * 86400, NULL, '21:00:00'::TIME, '22:30:00'::TIME
	FROM demo_cand WHERE odd AND ch = 0 AND party = 0 AND dir = 0 AND demo_u(334, c) < 0.3
	GROUP BY c`);

	// ---------------------------------------------------------------- experiment assignments
	build.push(`CREATE OR REPLACE TEMP TABLE demo_assign AS
	SELECT DISTINCT a, exp, variant FROM demo_episodes WHERE exp > 0`);

	// ---------------------------------------------------------------- outputs
	const agent = `'AG' || printf('%03d', 1 + (hash(${S}, 300, s.a, s.ld // 14) % ${AGENT_COUNT})::INTEGER)`;
	// final interactions: candidates minus calls suppressed after a conversation (prong B),
	// plus callbacks and extra rows, minus outbound contacts blocked by an opt-out or a cease
	// (planted rows exempt); an opted_out outcome that did not become the preference event
	// is shown as delivered. Sorted narrow, formatted after the sort.
	const interactionsSelect = `WITH conv_all AS (
	  SELECT a, ts, ld FROM demo_conv
	  UNION ALL SELECT a, ts, ld FROM demo_cb WHERE outcome = 6
	), cand AS (
	  SELECT ${ROWCOLS},
	    CASE WHEN dir = 0 AND ch IN (0, 6) AND party = 0 AND NOT planted THEN a ELSE -1 END AS sa
	  FROM demo_cand
	), suppressed AS (
	  SELECT ${ROWCOLS} FROM cand r
	  ANTI JOIN conv_all v ON v.a = r.sa AND v.ts < r.ts AND v.ld >= r.ld - 6
	), rows_ AS (
	  SELECT *,
	    CASE WHEN dir = 1 OR planted THEN -1
	         WHEN ch IN (0, 6) THEN 0 WHEN ch = 1 THEN 1 WHEN ch = 2 THEN 2 WHEN ch = 3 THEN 3 ELSE 4 END AS gc
	  FROM (
	    SELECT * FROM suppressed
	    UNION ALL SELECT ${ROWCOLS} FROM demo_cb
	    UNION ALL SELECT ${ROWCOLS} FROM demo_extra
	  )
	), unblocked AS (
	  SELECT k.* FROM rows_ k
	  ANTI JOIN demo_block b ON b.a = k.a AND b.gc = k.gc AND k.ts > b.eff AND k.ts < b.end_ts
	), fin AS (
	  SELECT u.key, u.a, u.c, u.ep, u.d, u.ld, u.ch, u.dir, u.party,
	    CASE WHEN u.outcome = 14 AND o.key IS NULL THEN 9 ELSE u.outcome END AS outcome,
	    u.tone, u.exp, u.variant, u.ts, u.prof
	  FROM unblocked u LEFT JOIN (SELECT key FROM demo_opt) o ON o.key = u.key
	), sorted AS (
	  SELECT *, prof // 1024 AS sid, (prof // 32) % 32 AS psid, (prof // 8) % 4 AS nph, prof % 8 AS product
	  FROM (SELECT * FROM fin ORDER BY key)
	), s AS (
	  SELECT *,
	    CASE WHEN ch = 1 OR nph = 1 THEN 0
	         WHEN demo_s(hash(${S}, 301, key), 0) < 0.6 THEN 0
	         ELSE 1 + ((hash(${S}, 302, key) % 720720)::INTEGER % (nph - 1)) END AS pidx
	  FROM sorted
	)
	SELECT 'I' || lpad(s.key::VARCHAR, ${WK}, '0') AS interaction_id, ${accId('s.a')} AS account_id,
	  CASE WHEN s.party = 1 THEN ${custId('T', 's.c')} ELSE ${custId('C', 's.c')} END AS customer_id,
	  ${lit(PARTIES)}[s.party + 1] AS party, ${lit(CHANNELS)}[s.ch + 1] AS channel,
	  CASE WHEN s.dir = 1 THEN 'inbound' ELSE 'outbound' END AS direction,
	  demo_fmt(s.ts) AS occurred_at, ${lit(OUTCOMES)}[s.outcome + 1] AS outcome,
	  CASE
	    WHEN s.party = 3 THEN '+1-800-***-' || (1000 + s.product * 1111)::VARCHAR
	    WHEN s.party = 4 THEN '+1-888-***-' || (2000 + (hash(${S}, 303, s.c) % 3)::INTEGER * 11)::VARCHAR
	    WHEN s.party = 1 THEN '+1-' || ${CODES}[s.psid + 1][1 + ((hash(${S}, 304, s.c) % 720720)::INTEGER % ${NCODES}[s.psid + 1])]
	                          || '-***-' || lpad((hash(${S}, 305, s.c) % 10000)::VARCHAR, 4, '0')
	    WHEN s.party = 2 AND s.ch = 3 THEN '*** Court St, ' || ${ABBR}[s.sid + 1] || ' ' || ${ZIP3}[s.sid + 1] || '**'
	    WHEN s.party = 2 THEN '+1-' || ${CODES}[s.sid + 1][1] || '-***-' || lpad((hash(${S}, 306, s.c) % 10000)::VARCHAR, 4, '0')
	    -- a wrong number is a number that is not the person's (a stale or mistyped one)
	    WHEN s.ch IN (0, 6) AND s.outcome = 7 THEN '+1-' || ${CODES}[s.psid + 1][1 + ((hash(${S}, 312, s.key) % 720720)::INTEGER % ${NCODES}[s.psid + 1])]
	                                || '-***-' || lpad((hash(${S}, 313, s.key) % 10000)::VARCHAR, 4, '0')
	    WHEN s.ch IN (0, 1, 6) THEN '+1-' || ${CODES}[s.psid + 1][1 + ((hash(${S}, 307, s.c, s.pidx) % 720720)::INTEGER % ${NCODES}[s.psid + 1])]
	                                || '-***-' || lpad((hash(${S}, 308, s.c, s.pidx) % 10000)::VARCHAR, 4, '0')
	    WHEN s.ch = 2 THEN chr(97 + (hash(${S}, 15, s.c) % 26)::INTEGER) || '***@' || ${lit(EMAIL_DOMAINS)}[1 + (hash(${S}, 16, s.c) % ${EMAIL_DOMAINS.length})::INTEGER]
	    WHEN s.ch = 3 THEN '*** ' || ${lit(STREETS)}[1 + (hash(${S}, 309, s.c) % ${STREETS.length})::INTEGER] || ', ' || ${ABBR}[s.sid + 1] || ' ' || ${ZIP3}[s.sid + 1] || '**'
	    WHEN s.ch = 4 THEN 'device-***' || lpad((hash(${S}, 310, s.c) % 10000)::VARCHAR, 4, '0')
	    ELSE 'app-user-***' || lpad((hash(${S}, 311, s.c) % 10000)::VARCHAR, 4, '0')
	  END AS contact_point,
	  CASE WHEN s.party IN (3, 4) OR s.ch IN (2, 4, 5) THEN NULL
	       WHEN s.ch = 3 OR s.party = 2 THEN ${ZN}[${SZ}[s.sid + 1] + 1]
	       ELSE ${ZN}[${SZ}[s.psid + 1] + 1] END AS contact_timezone,
	  CASE WHEN s.dir = 1 THEN NULL
	       WHEN s.ep = 0 THEN ['email_statement_v1', 'letter_statement_v1', 'push_statement_v1', 'inapp_statement_v1'][s.ch - 1]
	       WHEN s.ch = 0 AND s.party = 1 THEN 'script_location_v1'
	       WHEN s.ch = 0 AND s.party > 1 THEN 'script_third_party_v1'
	       WHEN s.ch = 0 THEN ['script_supportive_v1', 'script_neutral_v4', 'script_firm_v2'][s.tone + 1]
	       WHEN s.ch = 1 THEN ['sms_reminder_supportive_v1', 'sms_reminder_neutral_v2', 'sms_reminder_firm_v3'][s.tone + 1]
	       WHEN s.ch = 2 THEN ['email_supportive_v1', 'email_neutral_v3', 'email_firm_v2'][s.tone + 1]
	       WHEN s.ch = 3 THEN (CASE WHEN s.d < 10 THEN 'letter_validation_notice_v1' WHEN s.d < 90 THEN 'letter_reminder_v2' ELSE 'letter_final_notice_v1' END)
	       WHEN s.ch = 4 THEN 'push_reminder_v1'
	       WHEN s.ch = 5 THEN 'inapp_banner_v1'
	       ELSE 'rvm_reminder_v1' END AS template_id,
	  ${lit(TONES)}[s.tone + 1] AS tone,
	  CASE s.exp WHEN 1 THEN '${EXPERIMENTS.supportive.id}' WHEN 2 THEN '${EXPERIMENTS.daily.id}' END AS experiment_id,
	  CASE s.exp WHEN 1 THEN ${lit(EXPERIMENTS.supportive.arms)}[s.variant + 1] WHEN 2 THEN ${lit(EXPERIMENTS.daily.arms)}[s.variant + 1] END AS variant,
	  CASE WHEN s.ch = 0 THEN ${agent}
	       WHEN s.dir = 1 THEN NULL
	       ELSE 'system' END AS agent_id,
	  -- what a contact was for (docs/compliance-regf-more.md): the calls to third parties ask where
	  -- the person is (a tenth at that person's own request), the conversations with a credit bureau
	  -- report the debt, a third of the planted messages after an opt-out confirm it, and half of the
	  -- planted e-mails after a cease request are the notices the regulation allows
	  CASE WHEN s.dir = 1 THEN NULL
	       WHEN s.party = 1 THEN CASE WHEN demo_s(hash(${S}, 330, s.key), 0) < 0.1 THEN 'location_requested' ELSE 'location' END
	       WHEN s.party = 4 AND s.outcome = 6 THEN 'credit_report'
	       WHEN s.key % 16 IN (11, 12) AND demo_s(hash(${S}, 331, s.key), 0) < 0.33 THEN 'opt_out_confirmation'
	       WHEN s.key % 16 = 13 THEN ['cease_termination_notice', 'cease_remedy_notice', 'cease_remedy_invoked', NULL, NULL, NULL][1 + (hash(${S}, 332, s.key) % 6)::INTEGER]
	  END AS purpose
	FROM s${p.preserveInsertionOrder === false ? '\n\tORDER BY interaction_id' : ''}`;

	const outputs: { table: string; select: string }[] = [
		{
			table: 'accounts',
			select: `SELECT ${accId('ac.a')} AS account_id, ${custId('C', 'ac.c')} AS customer_id,
			  ${lit(SEGMENTS)}[ac.seg + 1] AS segment, ${lit(PRODUCTS)}[ac.product + 1] AS product,
			  st.region, z.zone AS timezone, demo_date(ac.opened_ld) AS opened_on, 'USD' AS currency,
			  ac.risk AS risk_score, ac.vuln AS vulnerable, demo_date(cl.closed_ld) AS closed_on, cl.reason AS closed_reason,
			  -- about 43% of New York State's people live in New York City (the New York City pack's scope)
			  CASE WHEN st.region = 'US-NY' AND hash(${S}, 320, ac.a) % 100 < 43 THEN 'new_york_city' END AS locality
			FROM demo_accounts ac
			JOIN demo_states st ON st.sid = ac.sid JOIN demo_zones z ON z.zid = ac.zid
			LEFT JOIN demo_close cl ON cl.a = ac.a
			ORDER BY ac.a`
		},
		{
			table: 'delinquencies',
			select: `SELECT printf('E%0${WA}d-%d', a + 1, ep) AS episode_id, ${accId('a')} AS account_id,
			  demo_date(start_ld) AS started_on, amount AS amount_past_due,
			  demo_date(start_ld + cure_day) AS cured_on, demo_date(start_ld + co_day) AS charged_off_on
			FROM demo_episodes ORDER BY a, ep`
		},
		{ table: 'interactions', select: interactionsSelect },
		{
			table: 'payments',
			select: `SELECT printf('P%0${WA}d-%d-%d-%d', a + 1, ep, typ, i) AS payment_id, ${accId('a')} AS account_id,
			  demo_fmt(ts) AS paid_at, amount, ${lit(PAYMENT_METHODS)}[method + 1] AS method,
			  CASE WHEN status = 1 THEN 'reversed' ELSE 'settled' END AS status,
			  CASE WHEN in_plan THEN printf('PL%0${WA}d-%d', a + 1, ep) END AS plan_id
			FROM demo_payments ORDER BY a, ep, typ, i`
		},
		{
			table: 'complaints',
			select: `SELECT printf('CP%0${WA}d-%d-%d', a + 1, ep, j) AS complaint_id, ${accId('a')} AS account_id,
			  demo_fmt(ts) AS received_at, ${lit(COMPLAINT_CATEGORIES)}[cat + 1] AS category,
			  ${lit(COMPLAINT_SOURCES)}[src + 1] AS source,
			  ${lit(SEVERITIES)}[(CASE WHEN src >= 4 THEN (CASE WHEN sv < 0.1 THEN 0 WHEN sv < 0.5 THEN 1 ELSE 2 END)
			                          ELSE (CASE WHEN sv < 0.5 THEN 0 WHEN sv < 0.85 THEN 1 ELSE 2 END) END) + 1] AS severity
			FROM demo_complaints ORDER BY a, ep, j`
		},
		{
			table: 'contact_preferences',
			select: `SELECT event_id, ${custId('C', 'c')} AS customer_id,
			  CASE WHEN a IS NOT NULL THEN ${accId('a')} END AS account_id,
			  channel, kind, demo_fmt(eff_ts) AS effective_at, demo_fmt(until_ts) AS until_at, local_start, local_end
			FROM demo_prefs ORDER BY event_id`
		},
		{
			table: 'experiment_assignments',
			select: `SELECT CASE exp WHEN 1 THEN '${EXPERIMENTS.supportive.id}' ELSE '${EXPERIMENTS.daily.id}' END AS experiment_id,
			  ${accId('a')} AS account_id,
			  CASE exp WHEN 1 THEN ${lit(EXPERIMENTS.supportive.arms)}[variant + 1] ELSE ${lit(EXPERIMENTS.daily.arms)}[variant + 1] END AS variant,
			  demo_fmt(CASE exp WHEN 1 THEN ${E1TS} ELSE ${E2TS} END) AS assigned_at
			FROM demo_assign ORDER BY exp, a`
		}
	];

	const cleanup = [
		...[...DEMO_TABLES].reverse().map((t) => `DROP TABLE IF EXISTS temp.main.${t}`),
		...DEMO_MACROS.map((m) => `DROP MACRO IF EXISTS temp.main.${m}`)
	];
	return { build, outputs, cleanup };
}
