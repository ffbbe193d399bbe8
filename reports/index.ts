/**
 * Markdown failure reports: pure functions from a simulation result (and a little metadata the CLI knows:
 * version, replay command, plan file) to a markdown string with tables, causal stories and mermaid diagrams.
 */
export { renderRunReport, reportTitle } from './run-report.js';
export type { ReportKind, RunReportMeta, SearchSummary } from './run-report.js';
export { renderCompareReport, compareTitle } from './compare-report.js';
export type { CompareReportMeta } from './compare-report.js';
export type { WallFigures } from './report-parts.js';
export { explainInvariant, explainWitness } from './story.js';
export type { Story } from './story-types.js';
export { sequenceDiagram, MAX_DIAGRAM_LINES } from './sequence-diagram.js';
export { escapeMermaidLabel } from './mermaid-escape.js';
export { TraceFacts } from './trace-facts.js';
export { escapeCell, code, fenced } from './markdown.js';
