/**
 * How the account timeline draws a contact: colour by channel (the Okabe–Ito colours the
 * Overview's charts give each channel, so a channel looks the same everywhere), shape by what
 * became of the contact (its outcome group). Labels for the legend and the marks' titles.
 */
import { CHANNEL, CHANNEL_DISPLAY_ORDER } from '../../vocabulary.ts';
import { PALETTE } from '../echarts.ts';
import type { OutcomeGroup } from '$lib/compliance/timeline';

/** the same colours as CHANNEL_COLOUR in OverviewCharts.svelte */
export const CHANNEL_COLOUR: Record<string, string> = {
	all: PALETTE[0]!,
	call: PALETTE[1]!,
	ringless_voicemail: PALETTE[4]!,
	sms: PALETTE[2]!,
	email: PALETTE[3]!,
	push: PALETTE[5]!,
	// Okabe–Ito's black, drawn in the text colour so it stays visible on the dark theme's ground
	in_app: 'var(--text)',
	letter: '#999999'
};
export const CHANNEL_LABEL: Record<string, string> = { all: 'All channels', ...CHANNEL.labels };
export const CHANNELS = CHANNEL_DISPLAY_ORDER;

export const OUTCOME_GROUPS: readonly OutcomeGroup[] = ['conversation', 'unanswered', 'voicemail', 'not_connected', 'delivered', 'engaged', 'opted_out'];
export const OUTCOME_GROUP_LABEL: Record<OutcomeGroup, string> = {
	conversation: 'Conversation',
	unanswered: 'Unanswered or dropped',
	voicemail: 'Voicemail',
	not_connected: 'Not connected (busy, not in service, wrong number, bounced)',
	delivered: 'Sent or delivered',
	engaged: 'Opened, clicked or replied',
	opted_out: 'Opted out'
};
export const OUTCOME_GROUP_SHORT: Record<OutcomeGroup, string> = {
	conversation: 'Conversation',
	unanswered: 'Unanswered',
	voicemail: 'Voicemail',
	not_connected: 'Not connected',
	delivered: 'Sent / delivered',
	engaged: 'Opened / replied',
	opted_out: 'Opted out'
};

/** SVG geometry in a 12×12 box, per outcome group; `hollow` shapes are drawn as outlines */
export const SHAPE: Record<OutcomeGroup, { d: string; hollow?: boolean }> = {
	conversation: { d: 'M6 0.8a5.2 5.2 0 1 0 0.001 0Z' },
	unanswered: { d: 'M6 1.6a4.4 4.4 0 1 0 0.001 0Z', hollow: true },
	voicemail: { d: 'M1.2 1.2h9.6v9.6h-9.6Z' },
	not_connected: { d: 'M2 2L10 10M10 2L2 10', hollow: true },
	delivered: { d: 'M6 0.6L11.4 10.8H0.6Z' },
	engaged: { d: 'M6 0.4L11.6 6L6 11.6L0.4 6Z' },
	opted_out: { d: 'M1.5 6h9M6 1.5v9', hollow: true }
};

export const KIND_LABEL: Record<string, string> = { presumed_violation: 'Presumed violation', violation: 'Violation', risk_flag: 'Risk flag' };
export const PARTY_LABEL: Record<string, string> = { consumer: 'Consumer', third_party: 'Third party', consumer_attorney: 'Attorney', creditor: 'Creditor', credit_bureau: 'Credit bureau' };
