/**
 * What the compliance pages that show an audit's findings (overview, findings list, report and
 * its CSV) read from a request: the store, the filters of the URL (with their problems) and the
 * audit they are about (?audit=N or the latest finished one); a bad audit number throws a
 * FindingsError (404 / 400 / 410), which the route's pageWork shows as the page's error.
 */
import { pickAudit } from '../compliance/findings/audits.ts';
import { parseFindingsFilter } from '../compliance/findings/filters.ts';
import { getStore } from '../store.ts';

export async function findingsRequest(url: URL) {
	const store = await getStore();
	const parsed = parseFindingsFilter(url.searchParams);
	const audit = await pickAudit(store, parsed.filter.audit);
	return { store, parsed, audit, problems: parsed.ok ? [] : parsed.problems };
}
