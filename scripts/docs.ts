// npm run docs: writes the export format generated from src/lib/contract.ts into README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { contractMarkdown } from '../src/lib/contract.ts';

const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/(<!-- contract:start -->\n)[\s\S]*?(<!-- contract:end -->)/, `$1${contractMarkdown()}$2`);
if (next === readme && !readme.includes('<!-- contract:start -->')) throw new Error('README.md has no <!-- contract:start --> marker');
writeFileSync('README.md', next);
console.log('README.md export format updated');
