#!/usr/bin/env node
// The curewise command: runs the TypeScript CLI through tsx, so the CLI and the server
// share the same modules under src/lib/server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
