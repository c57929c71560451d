/**
 * A guardrail alert as the pages show it (the alerts page, an experiment's page, the Overview's
 * strip): the stored alert (src/lib/server/experiments/guardrails/alerts-store.ts) and the row
 * the list draws. Shared with the browser: no server imports.
 */

export interface ExperimentAlert {
	alert_id: number;
	experiment_id: string;
	arm: string;
	metric: string;
	rule_kind: string;
	threshold: number | null;
	evidence: Record<string, unknown>;
	message: string;
	fired_at: string;
	last_seen_at: string;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	ack_reason: string | null;
	stopped_experiment: boolean;
	webhook_status: string | null;
}

/** an alert in the pages' lists: the stored alert and its experiment's title */
export interface AlertRow extends ExperimentAlert {
	/** the experiment's title, when its file is valid */
	title: string | null;
}
