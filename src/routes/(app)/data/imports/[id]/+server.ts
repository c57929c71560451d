/** An import job's progress and, when done, its result. */
import { error, json } from '@sveltejs/kit';
import { jobIdSchema } from '$lib/schemas';
import { getJob } from '$lib/server/ingest/jobs';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => {
	const id = jobIdSchema.safeParse(params.id);
	if (!id.success) error(400, 'not an import job id');
	const job = getJob(id.data);
	if (!job) error(404, 'no such import job (jobs are kept for a day)');
	return json(job, { headers: { 'cache-control': 'no-store' } });
};
