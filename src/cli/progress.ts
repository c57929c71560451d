/** Import progress for a terminal (a bar with rows per second) or for a log (plain lines). */
import type { ImportProgress } from '../lib/server/ingest/index.ts';

const fmt = new Intl.NumberFormat('en-US');

export function progressPrinter(stream: NodeJS.WriteStream, enabled: boolean, printed: () => void = () => {}): (p: ImportProgress) => void {
	if (!enabled) return () => {};
	if (stream.isTTY) {
		let last = 0;
		return (p) => {
			const now = Date.now();
			if (p.phase !== 'done' && now - last < 100) return;
			last = now;
			const width = 24;
			const filled = Math.round((p.percent / 100) * width);
			const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
			const about = p.phase === 'reading' ? '~' : '';
			const rate = p.rows > 0 ? ` · ${about}${fmt.format(p.rows)} rows · ${about}${fmt.format(p.rowsPerSecond)} rows/s` : '';
			stream.write(`\r\x1b[2K${bar} ${p.percent.toFixed(0).padStart(3)}% ${p.phase} ${p.file}${rate}`);
			if (p.phase === 'done') stream.write('\r\x1b[2K');
			printed();
		};
	}
	let lastPhase = '';
	return (p) => {
		if (p.phase === lastPhase || p.phase === 'done') return;
		lastPhase = p.phase;
		const rate = p.rows > 0 ? ` (${fmt.format(p.rows)} rows, ${fmt.format(p.rowsPerSecond)} rows/s)` : '';
		stream.write(`${p.file}: ${p.phase}${rate}\n`);
		printed();
	};
}

/**
 * A line at least every 5 seconds while a long step runs: when nothing else was printed for
 * `everyMs`, "… <step> (<seconds> s)". `touch` says something else was just printed.
 */
export function heartbeat(stream: NodeJS.WriteStream, everyMs = 4500) {
	let step: string | null = null;
	let since = Date.now();
	let last = Date.now();
	const timer = setInterval(() => {
		if (!step || Date.now() - last < everyMs) return;
		if (stream.isTTY) stream.write('\r\x1b[2K');
		stream.write(`… ${step} (${Math.round((Date.now() - since) / 1000)} s)\n`);
		last = Date.now();
	}, 250);
	timer.unref();
	return {
		/** a new step begins (null: none) */
		step(name: string | null) {
			step = name;
			since = Date.now();
			last = Date.now();
		},
		touch() {
			last = Date.now();
		},
		stop() {
			clearInterval(timer);
		}
	};
}
