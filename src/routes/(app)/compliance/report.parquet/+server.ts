/**
 * The findings of an audit as Parquet (the findings list's filters; numbered in the report's
 * order), written by DuckDB into a temporary folder, streamed and removed. Recorded in the trail.
 */
import { error } from '@sveltejs/kit';
import { downloadResponse, findingsParquetDownload } from '$lib/server/compliance/report/download';
import { parseReportRequest } from '$lib/server/compliance/report/params';
import { heavyRequest } from '$lib/server/limits';
import { answered, httpError } from '$lib/http.server';
import { findingsRequest } from '$lib/server/pages/compliance-findings';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals, getClientAddress }) => {
	const { store, audit } = await findingsRequest(url).catch(httpError);
	return answered(async () => {
		const { filter } = parseReportRequest(url.searchParams, 'The Parquet file');
		if (!audit) error(404, 'No audit has finished on this store yet: run one from the Compliance page, then export its findings.');
		const who = { username: locals.user!.username, role: locals.user!.role, ip: getClientAddress() };
		return downloadResponse(await heavyRequest(locals.user, () => findingsParquetDownload(store, audit, filter, who)));
	});
};
