// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		// interface Locals {} — the sign-in issue adds the user here
	}
}
export {};
