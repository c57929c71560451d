import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// the charts' library (echarts, ~640 kB minified) is one chunk, loaded only by the pages
		// that draw charts; a chunk larger than this is still reported
		chunkSizeWarningLimit: 800,
		rolldownOptions: {
			// the per-plugin timing report printed after every build (PLUGIN_TIMINGS) is for
			// profiling the build, not a warning about the app
			checks: { bundlerTimings: false }
		}
	},
	ssr: {
		// native module: loaded from node_modules at run time, never bundled
		external: ['@duckdb/node-api', '@duckdb/node-bindings']
	}
});
