/**
 * The SQL of the metrics, generated from the catalogue (catalogue.ts) and its counts and facts
 * (counts.ts) through a dialect (dialect.ts). The files of queries/ hold the joins that suit each
 * path (the summary rebuild, the raw tables, the experiments) and name the metric SQL by
 * placeholders, `{{metrics:NAME}}` or `{{metrics:NAME(ARGS)}}`, which `expandMetrics` fills in
 * when a file is loaded; no count, fact or outcome is written by hand in a query file. Pure.
 */
import { COUNTS, CONTACT_SUM_NAMES, ENGAGEMENT_COUNT_NAMES, EPISODE_BASE_COLUMNS, EPISODE_COUNT_NAMES, EVENT_COUNT_NAMES, episodeFacts, TIME_COLUMNS, type CountDef, type CountName } from './counts.ts';
import { duckdb, type Dialect } from './dialect.ts';
import { DEFAULT_CONTACT_THRESHOLD, FATIGUE_WEIGHTS } from '../fatigue.ts';
import { PRESSURE_BUCKETS, PRESSURE_WINDOW_DAYS } from '../pressure.ts';
import { EXPERIMENT_METRIC_DEFS, KPIS, type TimeMeasure } from './catalogue.ts';
import { CHANNELS, TONES } from '../vocabulary.ts';

const asOfParam = (d: Dialect) => d.param('as_of', 'date');

/** `expr AS fact, …`: the per-episode facts over the base columns (optionally of alias `b.`) */
export function episodeFactColumns(d: Dialect = duckdb, prefix = ''): string {
	return episodeFacts(d, asOfParam(d), prefix)
		.map((f) => `${f.sql} AS ${f.name}`)
		.join(',\n\t');
}

/**
 * The facts whose value depends on the as-of date itself (a time to event censored at it), found
 * by generating the facts for two different as-of dates, and the base columns they read. The
 * summary table kpi_episodes keeps those base columns, so that when the as-of date moves (an
 * import of a new day) the facts of the episodes the import did not touch are judged again at
 * the new date by an UPDATE (`episodeAsOfUpdate`) instead of joining the raw tables again.
 */
export function asOfFacts(d: Dialect = duckdb): { facts: { name: string; sql: string }[]; base: string[] } {
	const a = episodeFacts(d, '__AS_OF_A__');
	const b = episodeFacts(d, '__AS_OF_B__');
	const facts = a.filter((f, i) => f.sql !== b[i]!.sql);
	const names = new Set(a.map((f) => f.name));
	// started_on and cured_on are always kept (every reader of the facts takes them), charged_off_on
	// too (the roll-rate matrix reads it)
	const kept = ['started_on', 'cured_on', 'charged_off_on'];
	const base = EPISODE_BASE_COLUMNS.filter((c) => kept.includes(c) || facts.some((f) => new RegExp(`\\b${c}\\b`).test(f.sql)));
	const clash = base.filter((c) => names.has(c));
	if (clash.length) throw new Error(`the base columns ${clash.join(', ')} of as-of-dependent facts have the name of a fact`);
	return { facts: facts.map((f) => ({ name: f.name, sql: episodeFacts(d, asOfParam(d)).find((g) => g.name === f.name)!.sql })), base };
}

/** `started_on, cured_on, …`: the base columns the facts keep beside them (see asOfFacts) */
export const episodeAsOfBase = (d: Dialect = duckdb) => asOfFacts(d).base.join(', ');

/** `fact = expr, …`: the as-of-dependent facts judged again at $as_of from the base columns kept */
export const episodeAsOfUpdate = (d: Dialect = duckdb) =>
	asOfFacts(d)
		.facts.map((f) => `${f.name} = ${f.sql}`)
		.join(',\n\t');

/** the age of an episode at the as-of date, in days */
export const episodeAge = (d: Dialect = duckdb, startedOn = 'started_on') => `${d.daysBetween(startedOn, asOfParam(d))} AS age`;

function countSql(d: Dialect, c: CountDef): string {
	if ('sum' in c && c.sum) return d.toDouble(d.sumIf(c.sum, c.where ?? 'true'));
	if ('distinct' in c && c.distinct) return `count(DISTINCT ${c.distinct})${c.where ? ` FILTER (WHERE ${c.where})` : ''}`;
	return c.where ? d.countIf(c.where) : 'count(*)';
}

/** one named count as SQL (an aggregate over the relation its grain names) */
export const countColumn = (name: CountName, d: Dialect = duckdb) => `${countSql(d, COUNTS[name])} AS ${name}`;

/** the event counts (complaints, via a regulator, opt-outs) over a relation of events (kind, event_id, source) */
export function eventCountColumns(d: Dialect = duckdb): string {
	return EVENT_COUNT_NAMES.map((k) => `${countSql(d, COUNTS[k])} AS ${k}`).join(',\n\t');
}

/** the episode counts, aggregated over a relation of facts with `age` */
export function episodeCountColumns(d: Dialect = duckdb): string {
	return EPISODE_COUNT_NAMES.map((k) => `${countSql(d, COUNTS[k])} AS ${k}`).join(',\n\t');
}

/** the contact sums (outbound contacts, calls, conversations) over a relation of outbound contacts */
export function contactCountColumns(d: Dialect = duckdb): string {
	return CONTACT_SUM_NAMES.map((k) => `${countSql(d, COUNTS[k])} AS ${k}`).join(',\n\t');
}

/** the digital messages and their stages (delivered, opened, clicked, replied) over a relation of outbound contacts */
export function engagementCountColumns(d: Dialect = duckdb): string {
	return ENGAGEMENT_COUNT_NAMES.map((k) => `${countSql(d, COUNTS[k])} AS ${k}`).join(',\n\t');
}

/** `sum(messages) AS messages, …`: the engagement counts summed again (a summary table's rows) */
export const engagementSumColumns = (cast = 'BIGINT') => ENGAGEMENT_COUNT_NAMES.map((k) => `sum(${k})::${cast} AS ${k}`).join(', ');

/**
 * The pressure chart's counts per bucket (src/lib/pressure.ts), packed: `messages_by_pressure` and
 * `messages_opted_out_by_pressure` hold bucket b's count in bits 21·b to 21·b + 20 of a HUGEINT,
 * so that the summary tables sum two columns rather than twelve (the full rebuild's largest
 * grouping, 10 million groups at 1M accounts, took 35 s longer with twelve). A field holds up to
 * 2,097,151: PRESSURE_FIELD_MAX, which the build checks against the busiest day's contacts.
 */
const PRESSURE_COUNT_NAMES = ['messages', 'messages_opted_out'] as const satisfies readonly CountName[];
const PRESSURE_FIELD_BITS = 21;
export const PRESSURE_FIELD_MAX = 2 ** PRESSURE_FIELD_BITS - 1;
const packedNames = () => PRESSURE_COUNT_NAMES.map((k) => `${k}_by_pressure`);

/** the bucket (0, 1, …) of a number of contacts in the 7 days before (src/lib/pressure.ts) */
export function pressureBucket(expr: string): string {
	const cases = PRESSURE_BUCKETS.slice(0, -1).map((b, i) => `WHEN ${expr} <= ${b.max} THEN ${i}`);
	return `(CASE ${cases.join(' ')} ELSE ${PRESSURE_BUCKETS.length - 1} END)`;
}

/** a bucket's label ('0', '1', '2', '3–4', '5–7', '8+') from its number */
export const pressureLabel = (expr: string) => `[${PRESSURE_BUCKETS.map((b) => `'${b.label}'`).join(', ')}][${expr} + 1]`;

/**
 * Over outbound contacts with their `day` and their `pressure` bucket: `pressure_mask`, the
 * buckets and days of the week at which they were made (bit bucket × 7 + day of the week, Monday
 * 0: 42 bits, so that the accounts seen at each pressure in any period count distinct from a
 * week's row), and the pressure chart's counts per bucket, packed (messages_by_pressure, …).
 */
export function pressureColumns(): string {
	const mask = `bit_or(1::UBIGINT << (pressure * 7 + isodow(day) - 1)::INTEGER) AS pressure_mask`;
	const counts = PRESSURE_COUNT_NAMES.map(
		(k) => `coalesce(sum(1::HUGEINT << (pressure * ${PRESSURE_FIELD_BITS})::INTEGER) FILTER (WHERE ${COUNTS[k].where}), 0)::HUGEINT AS ${k}_by_pressure`
	);
	return [mask, ...counts].join(',\n\t');
}

/** the packed counts summed again (a summary table's rows): `sum(messages_by_pressure)::HUGEINT AS messages_by_pressure, …` */
export const pressurePackedSums = () => packedNames().map((k) => `sum(${k})::HUGEINT AS ${k}`).join(', ');

/** the packed counts unpacked and summed over a summary table's rows: messages_at_0, …, messages_opted_out_at_5 */
export function pressureSums(): string {
	return PRESSURE_COUNT_NAMES.flatMap((k) =>
		PRESSURE_BUCKETS.map((_, b) => `sum((${k}_by_pressure >> ${b * PRESSURE_FIELD_BITS}) & ${PRESSURE_FIELD_MAX})::BIGINT AS ${k}_at_${b}`)
	).join(', ');
}

/**
 * A 7-bit mask of a week's days (as kpi_days_mask gives it) repeated in each bucket's 7 bits of a
 * pressure_mask: `pressure_mask & pressureDays(days)` keeps the contacts of those days
 */
export function pressureDays(days: string): string {
	const ones = PRESSURE_BUCKETS.reduce((m, _, b) => m + 2n ** BigInt(b * 7), 0n);
	return `(${days}::UBIGINT * ${ones}::UBIGINT)`;
}

/** the pressure_mask bits of a bucket (all its weekdays), e.g. a complaint's */
export const pressureBucketBits = (bucket: string) => `(127::UBIGINT << (${bucket} * 7)::INTEGER)`;

/** over rows of pressure masks `m` (one per account): accounts_at_0, …, the rows with a bit in each bucket */
export function pressureAccounts(m: string): string {
	return PRESSURE_BUCKETS.map((_, b) => `count(*) FILTER (WHERE ((${m} >> ${b * 7}) & 127) <> 0) AS accounts_at_${b}`).join(', ');
}

/** one row per bucket from one row of the per-bucket counts (pressureSums, pressureAccounts): bucket, messages, messages_opted_out, accounts */
export function pressureRows(): string {
	const lists = [...PRESSURE_COUNT_NAMES, 'accounts'].map((k) => `unnest([${PRESSURE_BUCKETS.map((_, b) => `${k}_at_${b}`).join(', ')}]) AS ${k}`);
	return [`unnest(range(${PRESSURE_BUCKETS.length})) AS bucket`, ...lists].join(', ');
}

/**
 * The contact-fatigue weight of one outbound contact on `channel` (src/lib/fatigue.ts, the only
 * copy of the weights), as a DECIMAL(9,2) expression: the summary tables are built with these
 * numbers written in (their layout hash then changes with the weights).
 */
export function fatigueWeight(channel = 'channel', weights: Record<string, number> = FATIGUE_WEIGHTS): string {
	const cases = Object.entries(weights).map(([c, w]) => `WHEN '${c}' THEN ${w.toFixed(2)}`);
	return `(CASE ${channel} ${cases.join(' ')} ELSE 0 END)::DECIMAL(9,2)`;
}

/** the times to event the Overview's KPIs read (Kaplan–Meier quantiles) */
export const KPI_TIME_MEASURES = [...new Set(KPIS.flatMap((k) => (k.compute.kind === 'km_quantile' ? [k.compute.measure] : [])))] as TimeMeasure[];
/** the times to event of the experiments */
export const EXPERIMENT_TIME_MEASURES = EXPERIMENT_METRIC_DEFS.flatMap((m) => (m.compute.kind === 'time' ? [m.compute.measure] : []));

/**
 * One row per episode and time measure of `measures` from the relation `rel` of facts:
 * (…keys, measure, t, event); a measure whose time is NULL for an episode (first contact to
 * payment without a contact) has no row for it.
 */
export function timeToEventRows(rel: string, keys: string[], measures: readonly TimeMeasure[], where = ''): string {
	const k = keys.length ? keys.join(', ') + ', ' : '';
	return measures
		.map((m) => {
			const c = TIME_COLUMNS[m];
			const cond = [where, `${c.t} IS NOT NULL`].filter(Boolean).join(' AND ');
			return `SELECT ${k}'${m}' AS measure, ${c.t} AS t, ${c.event} AS event FROM ${rel} WHERE ${cond}`;
		})
		.join('\n\tUNION ALL ');
}

/**
 * The experiments' per-account outcome of every proportion, mean and count metric, over a
 * relation with the facts, `age`, and the account-level base columns `conversation` (an outbound
 * contact with outcome conversation while assigned), `contacts` (outbound contacts while
 * assigned), `exposure_days` (days from the first day in the experiment to the as-of date, both
 * included), `complaints`, `opt_outs` and `presumed_violations` (counts while assigned). A
 * ratio metric of the Overview becomes, per account, its numerator's indicator (or summed
 * fact) within its denominator, NULL outside it.
 */
export function experimentOutcomeColumns(d: Dialect = duckdb): string {
	const perAccount: Record<string, string> = {
		right_party_reach: d.boolToDouble('coalesce(conversation, false)'),
		contacts_per_account_week: d.toDouble('coalesce(contacts, 0) * 7.0 / exposure_days'),
		complaints_per_1k_assigned: d.toDouble('coalesce(complaints, 0)'),
		opt_outs_per_1k_assigned: d.toDouble('coalesce(opt_outs, 0)'),
		presumed_violations: d.toDouble('coalesce(presumed_violations, 0)')
	};
	const out: string[] = [];
	for (const m of EXPERIMENT_METRIC_DEFS) {
		const c = m.compute;
		if (c.kind === 'ratio') {
			const num = COUNTS[c.numerator] as CountDef;
			const den = COUNTS[c.denominator] as CountDef;
			const value = 'sum' in num && num.sum ? d.toDouble(num.sum) : d.boolToDouble(`coalesce(${num.where}, false)`);
			out.push(`CASE WHEN ${den.where ?? 'true'} THEN ${value} END AS ${m.name}`);
		} else if (c.kind === 'per_account') {
			const sql = perAccount[m.name];
			if (!sql) throw new Error(`the experiment metric ${m.name} has no per-account outcome`);
			out.push(`${sql} AS ${m.name}`);
		}
	}
	return out.join(',\n\t');
}

/** the experiment metrics analysed from per-account outcomes (all but the times to event) */
export const EXPERIMENT_OUTCOME_METRICS = EXPERIMENT_METRIC_DEFS.filter((m) => m.experiment !== 'time').map((m) => m.name);

/**
 * The sufficient statistics per metric m over a relation of per-account outcomes with the
 * covariate x: m__n, m__sum_y, m__sum_y2, m__sum_x, m__sum_x2, m__sum_xy.
 */
export function experimentCellColumns(): string {
	return EXPERIMENT_OUTCOME_METRICS.map(
		(m) =>
			`count(${m}) AS ${m}__n, sum(${m}) AS ${m}__sum_y, sum(${m} * ${m}) AS ${m}__sum_y2, ` +
			`sum(x) FILTER (WHERE ${m} IS NOT NULL) AS ${m}__sum_x, sum(x * x) FILTER (WHERE ${m} IS NOT NULL) AS ${m}__sum_x2, sum(x * ${m}) AS ${m}__sum_xy`
	).join(',\n\t');
}

/**
 * The contact attributes whose days are kept as masks per account-week (kpi_account_weeks'
 * channel_days and tone_days): value i of the vocabulary holds the 7 days of the week in bits
 * 7·i to 7·i + 6 (bit 7·i = Monday). 7 channels fill 49 bits of a UBIGINT, 3 tones 21 of a
 * UINTEGER. A filter on the channel or the tone alone then tests bits of one row per account-week
 * instead of reading every combination of channel, tone, template and agent.
 */
export const DAY_MASK_ATTRIBUTES = { channel: CHANNELS, tone: TONES } as const;
export type DayMaskAttribute = keyof typeof DAY_MASK_ATTRIBUTES;

/** the shift of `expr`'s value in the days mask of `attribute` (NULL when it has no value) */
export function valueShift(attribute: DayMaskAttribute, expr: string): string {
	const list = DAY_MASK_ATTRIBUTES[attribute].map((v) => `'${v}'`).join(', ');
	return `(7 * (list_position([${list}], ${expr}) - 1))`;
}

/** the 7-bit mask of the days (bit 0 = Monday) with a contact of `value` in the mask column of `attribute` over alias `alias`; null when `value` is not in the vocabulary */
export function valueDaysMask(attribute: DayMaskAttribute, value: string, alias: string): string | null {
	const i = (DAY_MASK_ATTRIBUTES[attribute] as readonly string[]).indexOf(value);
	return i < 0 ? null : `((${alias}.${attribute}_days >> ${7 * i}) & 127)::UTINYINT`;
}

const FRAGMENTS: Record<string, (args: string[]) => string> = {
	value_shift: ([attribute, expr]) => {
		if (attribute !== 'channel' && attribute !== 'tone') throw new Error(`{{metrics:value_shift}} takes channel or tone, not ${attribute}`);
		return valueShift(attribute, expr || attribute);
	},
	episode_facts: ([prefix]) => episodeFactColumns(duckdb, prefix ?? ''),
	episode_age: ([startedOn]) => episodeAge(duckdb, startedOn || 'started_on'),
	episode_asof_base: () => episodeAsOfBase(duckdb),
	episode_asof_update: () => episodeAsOfUpdate(duckdb),
	episode_counts: () => episodeCountColumns(duckdb),
	contact_counts: () => contactCountColumns(duckdb),
	engagement_counts: () => engagementCountColumns(duckdb),
	engagement_sums: ([cast]) => engagementSumColumns(cast || 'BIGINT'),
	fatigue_weight: ([channel]) => fatigueWeight(channel || 'channel'),
	pressure_bucket: ([expr]) => pressureBucket(expr || 'prior'),
	pressure_label: ([expr]) => pressureLabel(expr || 'bucket'),
	pressure_columns: () => pressureColumns(),
	pressure_names: () => packedNames().join(', '),
	pressure_packed_sums: () => pressurePackedSums(),
	pressure_sums: () => pressureSums(),
	pressure_field_max: () => String(PRESSURE_FIELD_MAX),
	pressure_window_us: () => String(PRESSURE_WINDOW_DAYS * 86_400_000_000),
	pressure_days: ([days]) => pressureDays(days || 'days'),
	pressure_bucket_bits: ([bucket]) => pressureBucketBits(bucket || 'pressure'),
	pressure_accounts: ([m]) => pressureAccounts(m || 'm'),
	pressure_rows: () => pressureRows(),
	pressure_buckets: () => String(PRESSURE_BUCKETS.length),
	default_contact_threshold: () => String(DEFAULT_CONTACT_THRESHOLD),
	event_counts: () => eventCountColumns(duckdb),
	count: ([name]) => countColumn(name as CountName, duckdb),
	kpi_times: ([rel, ...keys]) => timeToEventRows(rel!, keys, KPI_TIME_MEASURES),
	experiment_times: ([rel, ...keys]) => timeToEventRows(rel!, keys, EXPERIMENT_TIME_MEASURES, 'has_episode'),
	experiment_outcomes: () => experimentOutcomeColumns(duckdb),
	experiment_cells: () => experimentCellColumns()
};

/** fills in the `{{metrics:NAME}}` and `{{metrics:NAME(a, b)}}` placeholders of a query file */
export function expandMetrics(sql: string): string {
	return sql.replace(/\{\{metrics:([a-z_]+)(?:\(([^)]*)\))?\}\}/g, (_, name: string, args?: string) => {
		const f = FRAGMENTS[name];
		if (!f) throw new Error(`unknown metric placeholder {{metrics:${name}}}; the placeholders are ${Object.keys(FRAGMENTS).join(', ')}`);
		return f(args ? args.split(',').map((a) => a.trim()) : []);
	});
}
