import type { HandleServerError } from '@sveltejs/kit';

/** Errors never leak a stack trace or a path to the browser; the server log keeps them. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'There is no page at this address.' : message };
};
