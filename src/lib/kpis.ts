/**
 * The Overview's KPIs: the metrics of the catalogue (src/lib/metrics/catalogue.ts) shown on the
 * Overview, in the order of the tiles. Kept as its own module for the pages and the CLI, which
 * read only these; every definition lives in the catalogue.
 */
import { KPIS as CATALOGUE_KPIS, metricDef, type MetricDef, type MetricFormat } from './metrics/catalogue.ts';

export type KpiFormat = MetricFormat;
/** what a tile needs of a metric (the compliance pages show their own counts with the same tile) */
export type KpiDef = Pick<MetricDef, 'name' | 'label' | 'format' | 'better' | 'definition' | 'headline'>;
export const KPIS: readonly MetricDef[] = CATALOGUE_KPIS;
export const kpiDef = (name: string): MetricDef | undefined => {
	const d = metricDef(name);
	return d && d.surfaces.includes('overview') ? d : undefined;
};
