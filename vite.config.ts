import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	ssr: {
		// native module: loaded from node_modules at run time, never bundled
		external: ['@duckdb/node-api', '@duckdb/node-bindings']
	}
});
