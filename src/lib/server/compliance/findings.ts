/**
 * Moved: the read side of the compliance audit is split by job under ./findings/ (filters,
 * audits, packs, method, cache, query, ranked, csv, pages) and the page-facing types are in
 * src/lib/compliance/findings.ts. This file only re-exports them for the import sites not yet
 * moved; it goes once none is left.
 */
export * from './findings/filters.ts';
export * from './findings/audits.ts';
export * from './findings/packs.ts';
export * from './findings/method.ts';
export * from './findings/cache.ts';
export * from './findings/query.ts';
export * from './findings/csv.ts';
export * from './findings/pages.ts';
export { FINDING_KINDS, FILTER_KEYS, KIND_LABEL } from '../../compliance/findings.ts';
export type * from '../../compliance/findings.ts';
