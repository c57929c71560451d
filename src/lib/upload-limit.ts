/**
 * The message for a file over the upload limit (CUREWISE_MAX_UPLOAD_MB), the same from the
 * Data page (which checks before sending) and from the server (which answers 413).
 */
const MB = 1024 * 1024;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** a size in MB, precise enough not to read as the limit itself */
function sizeText(bytes: number, maxBytes: number): string {
	const mb = bytes / MB;
	const shown = mb >= 100 ? fmt(mb) : fmt(mb, 1);
	return Number(shown.replace(/,/g, '')) * MB > maxBytes ? `${shown} MB` : `${fmt(bytes)} bytes`;
}

/**
 * `accounts.csv is 3.0 MB; the upload limit is 1 MB …`; with bytes null (a body sent without a
 * length and not read to its end) the size is "more than" the limit
 */
export function uploadTooLarge(fileName: string, bytes: number | null, maxBytes: number): string {
	// CUREWISE_MAX_UPLOAD_MB is whole megabytes; a limit set in bytes (tests) is said in bytes
	const limit = maxBytes % MB ? `${fmt(maxBytes)} bytes` : `${fmt(maxBytes / MB)} MB`;
	const size = bytes === null ? `more than ${limit}` : sizeText(bytes, maxBytes);
	return `${fileName} is ${size}; the upload limit is ${limit}: import it on the server with npx curewise import, or ask an administrator to raise CUREWISE_MAX_UPLOAD_MB`;
}
