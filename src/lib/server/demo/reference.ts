/**
 * Fixed reference data of the demo generator: US states with their IANA zone, area codes
 * and weight, and the vocabularies the generated rows use. Small constants only; every
 * row is generated in SQL (see sql.ts).
 */

/** IANA zones, indexed by zone id (zid) in the SQL. */
export const ZONES = [
	'America/New_York', // 0
	'America/Chicago', // 1
	'America/Denver', // 2
	'America/Phoenix', // 3  no daylight saving
	'America/Los_Angeles', // 4
	'America/Anchorage', // 5
	'Pacific/Honolulu', // 6  no daylight saving
	'America/Detroit', // 7
	'America/Indiana/Indianapolis' // 8
] as const;

export interface StateDef {
	region: string;
	abbr: string;
	zid: number;
	/** relative share of customers */
	weight: number;
	areaCodes: number[];
	zip3: string;
}

/** Customer addresses: weights roughly follow population. */
export const STATES: StateDef[] = [
	{ region: 'US-CA', abbr: 'CA', zid: 4, weight: 115, areaCodes: [213, 310, 415, 619, 714, 916], zip3: '900' },
	{ region: 'US-TX', abbr: 'TX', zid: 1, weight: 90, areaCodes: [214, 512, 713, 817, 210], zip3: '750' },
	{ region: 'US-FL', abbr: 'FL', zid: 0, weight: 70, areaCodes: [305, 407, 813, 904], zip3: '331' },
	{ region: 'US-NY', abbr: 'NY', zid: 0, weight: 65, areaCodes: [212, 718, 516, 585, 716], zip3: '100' },
	{ region: 'US-PA', abbr: 'PA', zid: 0, weight: 40, areaCodes: [215, 412, 717], zip3: '191' },
	{ region: 'US-IL', abbr: 'IL', zid: 1, weight: 38, areaCodes: [312, 773, 847], zip3: '606' },
	{ region: 'US-OH', abbr: 'OH', zid: 0, weight: 35, areaCodes: [614, 216, 513], zip3: '432' },
	{ region: 'US-GA', abbr: 'GA', zid: 0, weight: 33, areaCodes: [404, 678, 912], zip3: '303' },
	{ region: 'US-NC', abbr: 'NC', zid: 0, weight: 32, areaCodes: [919, 704, 336], zip3: '276' },
	{ region: 'US-MI', abbr: 'MI', zid: 7, weight: 30, areaCodes: [313, 616, 248], zip3: '482' },
	{ region: 'US-NJ', abbr: 'NJ', zid: 0, weight: 28, areaCodes: [201, 973, 732], zip3: '070' },
	{ region: 'US-VA', abbr: 'VA', zid: 0, weight: 26, areaCodes: [703, 804, 757], zip3: '222' },
	{ region: 'US-WA', abbr: 'WA', zid: 4, weight: 24, areaCodes: [206, 425, 509], zip3: '981' },
	{ region: 'US-AZ', abbr: 'AZ', zid: 3, weight: 23, areaCodes: [602, 480, 520], zip3: '850' },
	{ region: 'US-MA', abbr: 'MA', zid: 0, weight: 22, areaCodes: [617, 508, 413], zip3: '021' },
	{ region: 'US-TN', abbr: 'TN', zid: 1, weight: 21, areaCodes: [615, 901, 865], zip3: '372' },
	{ region: 'US-IN', abbr: 'IN', zid: 8, weight: 20, areaCodes: [317, 219, 812], zip3: '462' },
	{ region: 'US-MO', abbr: 'MO', zid: 1, weight: 18, areaCodes: [314, 816, 417], zip3: '631' },
	{ region: 'US-MD', abbr: 'MD', zid: 0, weight: 18, areaCodes: [410, 301, 443], zip3: '212' },
	{ region: 'US-CO', abbr: 'CO', zid: 2, weight: 18, areaCodes: [303, 720, 719], zip3: '802' },
	{ region: 'US-MN', abbr: 'MN', zid: 1, weight: 17, areaCodes: [612, 651, 218], zip3: '554' },
	{ region: 'US-SC', abbr: 'SC', zid: 0, weight: 16, areaCodes: [803, 843, 864], zip3: '292' },
	{ region: 'US-AL', abbr: 'AL', zid: 1, weight: 15, areaCodes: [205, 334, 251], zip3: '352' },
	{ region: 'US-LA', abbr: 'LA', zid: 1, weight: 14, areaCodes: [504, 225, 318], zip3: '701' },
	{ region: 'US-OR', abbr: 'OR', zid: 4, weight: 13, areaCodes: [503, 541, 971], zip3: '972' },
	{ region: 'US-NV', abbr: 'NV', zid: 4, weight: 10, areaCodes: [702, 775], zip3: '891' },
	{ region: 'US-UT', abbr: 'UT', zid: 2, weight: 10, areaCodes: [801, 435], zip3: '841' },
	{ region: 'US-NM', abbr: 'NM', zid: 2, weight: 6, areaCodes: [505, 575], zip3: '871' },
	{ region: 'US-HI', abbr: 'HI', zid: 6, weight: 4, areaCodes: [808], zip3: '968' },
	{ region: 'US-AK', abbr: 'AK', zid: 5, weight: 3, areaCodes: [907], zip3: '995' }
];

// the vocabularies, in the order of the codes the SQL uses (ch, tone, outcome 0–7 calls then 8–14 messages, …)
export {
	SEGMENTS,
	TONES,
	CHANNELS,
	PARTIES,
	OUTCOMES,
	COMPLAINT_CATEGORIES,
	COMPLAINT_SOURCES,
	SEVERITIES,
	PAYMENT_METHODS
} from '../../vocabulary.ts';
import { PRODUCT } from '../../vocabulary.ts';
export const PRODUCTS = PRODUCT.values;
export const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Park Rd', 'Lake Dr', 'Hill St'] as const;
export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com'] as const;

/** The two experiments running in the demo data. */
export const EXPERIMENTS = {
	supportive: {
		id: 'supportive-reminder',
		arms: ['control', 'supportive'] as const,
		/** days before asOf */
		startDaysBeforeAsOf: 120
	},
	daily: {
		id: 'daily-call-cadence',
		arms: ['control', 'daily_call'] as const,
		startDaysBeforeAsOf: 90
	}
} as const;

/** Collectors: AG001 … AG060, plus `system` for automated messages. */
export const AGENT_COUNT = 60;
