/** State of one upload on the Data page: the file's transfer, then the import job's progress. */
import type { ImportJob, ImportResult } from '$lib/imports';
import { uploadTooLarge } from '$lib/upload-limit';

export type UploadPhase = 'idle' | 'uploading' | 'importing' | 'done' | 'failed';

export class UploadState {
	phase = $state<UploadPhase>('idle');
	/** 0–100 of the bytes sent */
	sent = $state(0);
	job = $state<ImportJob | null>(null);
	error = $state<string | null>(null);

	/** when done: one result per table (a mapping makes several) */
	get results(): ImportResult[] {
		const j = this.job;
		if (!j || j.state !== 'done') return [];
		return j.results?.length ? j.results : j.result ? [j.result] : [];
	}

	/**
	 * sends the file (unless it is over maxBytes, the upload limit), then polls the import until
	 * it ends; resolves when done. mapping: a mapping's name (docs/mappings.md), instead of a table
	 */
	async start(file: File, table: string | null, maxBytes?: number, mapping: string | null = null): Promise<void> {
		this.phase = 'uploading';
		this.sent = 0;
		this.job = null;
		this.error = null;
		if (maxBytes !== undefined && file.size > maxBytes) {
			// the server would refuse it (413) after the browser had sent it all
			this.phase = 'failed';
			this.error = uploadTooLarge(file.name, file.size, maxBytes);
			return;
		}
		let jobId: string;
		try {
			jobId = await this.send(file, table, maxBytes, mapping);
		} catch (e) {
			this.phase = 'failed';
			this.error = e instanceof Error ? e.message : String(e);
			return;
		}
		this.phase = 'importing';
		for (;;) {
			await new Promise((r) => setTimeout(r, 300));
			const res = await fetch(`/data/imports/${jobId}`);
			if (!res.ok) {
				this.phase = 'failed';
				this.error = `lost track of the import (${res.status})`;
				return;
			}
			this.job = (await res.json()) as ImportJob;
			if (this.job.state === 'done') {
				const results = this.results;
				this.phase = results.length > 0 && results.every((r) => r.status === 'imported') ? 'done' : 'failed';
				this.error = results.find((r) => r.error)?.error ?? null;
				return;
			}
		}
	}

	private send(file: File, table: string | null, maxBytes?: number, mapping: string | null = null): Promise<string> {
		return new Promise((resolve, reject) => {
			const xhr = new XMLHttpRequest();
			xhr.open('POST', '/data/imports');
			xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
			if (table) xhr.setRequestHeader('x-table', table);
			if (mapping) xhr.setRequestHeader('x-mapping', mapping);
			xhr.setRequestHeader('content-type', 'application/octet-stream');
			xhr.upload.onprogress = (e) => {
				if (e.lengthComputable) this.sent = Math.round((e.loaded / e.total) * 100);
			};
			xhr.onload = () => {
				let body: { job_id?: string; message?: string } = {};
				try {
					body = JSON.parse(xhr.responseText);
				} catch {
					/* not JSON */
				}
				if (xhr.status === 202 && body.job_id) resolve(body.job_id);
				else if (body.message) reject(new Error(body.message));
				// the server's 413 says the limit and the size; a proxy's may say nothing
				else if (xhr.status === 413 && maxBytes !== undefined) reject(new Error(uploadTooLarge(file.name, file.size, maxBytes)));
				else reject(new Error(`the upload was refused (${xhr.status})`));
			};
			xhr.onerror = () => reject(new Error('the upload failed: the server could not be reached'));
			xhr.send(file);
		});
	}
}
