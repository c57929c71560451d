/** zod schemas for what crosses the HTTP boundary (shared by server and browser). */
import { z } from 'zod';
import { tableNameSchema } from './contract.ts';

export const uploadHeadersSchema = z.object({
	fileName: z
		.string({ error: 'the upload has no file name' })
		.trim()
		.min(1, { error: 'the upload has no file name' })
		.max(255, { error: 'the file name is longer than 255 characters' })
		.regex(/\.(csv|txt|parquet|pq)$/i, { error: 'only CSV (.csv, .txt) and Parquet (.parquet) files can be imported' })
		.transform((s) => s.split(/[\\/]/).pop() ?? s),
	table: tableNameSchema.optional()
});

export const batchIdSchema = z.coerce
	.number({ error: 'the batch id must be a number' })
	.int({ error: 'the batch id must be a whole number' })
	.positive({ error: 'the batch id must be positive' });

export const jobIdSchema = z.uuid({ error: 'not an import job id' });
