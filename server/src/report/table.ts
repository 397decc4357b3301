// The terminal report, laid out like Trivy's table: per file and class a `path (type)` header and
// a severity total; vulnerabilities and licenses in a box-drawn table, misconfigurations and
// secrets one block each. Colours only when asked (the CLI passes isTTY), never otherwise.
// Unlike Trivy, no file content is shown: a block names its file and line.
import type { DetectedVulnerability, FileResult, Finding, ScanResult, Severity } from '../engine/types';
import { SEVERITIES, severityRank } from '../engine/types';
import { sortFindings } from '../engine/detect';
import type { ReportWriter } from '.';
import { escapeControl } from '../engine/text';

export interface TableOptions {
  color?: boolean;
  /** List the vulnerabilities VEX documents and ignore files left out, and why (`--show-suppressed`). */
  showSuppressed?: boolean;
  /** Longest title shown before it is cut with `…`. */
  maxTitleLength?: number;
}

const HEADERS = ['Library', 'Vulnerability', 'Severity', 'Status', 'Installed Version', 'Fixed Version', 'Title'];
const LICENSE_HEADERS = ['Classification', 'Severity', 'License', 'Package or file', 'Line'];
const SUPPRESSED_HEADERS = ['Library', 'Vulnerability', 'Severity', 'Status', 'Statement', 'Source'];
const DEFAULT_MAX_TITLE = 60;

const SEVERITY_COLORS: Record<Severity, string> = {
  CRITICAL: '\x1b[1;31m',
  HIGH: '\x1b[31m',
  MEDIUM: '\x1b[33m',
  LOW: '\x1b[34m',
  UNKNOWN: '\x1b[90m',
};
const RESET = '\x1b[0m';

/** One printed row; `lines` holds each cell's lines (a title can take two). */
interface Row {
  cells: string[][];
  severity?: Severity;
  /** Starts a new package group: a rule is drawn above it. */
  groupStart: boolean;
}

export function formatTable(scan: ScanResult, options: TableOptions = {}): string {
  const color = options.color === true;
  const maxTitle = Math.max(options.maxTitleLength ?? DEFAULT_MAX_TITLE, 8);
  const out: string[] = [];

  const sorted = [...scan.results].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  let sections = 0;
  for (const result of sorted) {
    if (result.vulnerabilities.length > 0) out.push(...resultSection(result, color, maxTitle), '');
    if (result.misconfigurations.length > 0) out.push(...findingSection(result, result.misconfigurations, color), '');
    if (result.secrets.length > 0) out.push(...findingSection(result, result.secrets, color), '');
    if (result.licenses.length > 0) out.push(...licenseSection(result, color), '');
    if (options.showSuppressed && result.suppressed?.length) out.push(...suppressedSection(result, color), '');
    sections += result.vulnerabilities.length + result.misconfigurations.length + result.secrets.length + result.licenses.length;
  }
  if (sections === 0) {
    const files = new Set(scan.results.map(r => r.target)).size;
    out.push(`Nothing found (${files} ${files === 1 ? 'file' : 'files'} scanned).`, '');
  }
  if (scan.errors.length > 0) {
    out.push(paint('Errors:', '\x1b[31m', color));
    for (const error of scan.errors) out.push(escapeControl(`  ${error.file}: ${error.message}`));
    out.push('');
  }
  if (scan.notes.length > 0) {
    out.push('Notes:');
    for (const note of scan.notes) out.push(`  - ${escapeControl(note)}`);
    out.push('');
  }
  return out.join('\n');
}

function heading(result: FileResult, label = result.type): string[] {
  const header = escapeControl(`${result.target} (${label})`);
  return [header, '='.repeat(displayWidth(header))];
}

function severityTotal(label: string, severities: Severity[]): string {
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const s of severities) counts.set(s, (counts.get(s) ?? 0) + 1);
  return `${label}: ${severities.length} (${SEVERITIES.map((s) => `${s}: ${counts.get(s)}`).join(', ')})`;
}

function resultSection(result: FileResult, color: boolean, maxTitle: number): string[] {
  const total = severityTotal('Total', result.vulnerabilities.map((v) => v.severity));
  return [...heading(result), total, '', ...drawTable(HEADERS, rowsFor(result.vulnerabilities, maxTitle), color, 2)];
}

/** Misconfigurations and secrets, Trivy's way: one block per finding, worst first. */
function findingSection(result: FileResult, findings: Finding[], color: boolean): string[] {
  const out = heading(result, result.class === 'secret' ? 'secrets' : result.type);
  const summary = result.misconfSummary;
  if (result.class === 'config' && summary) {
    out.push(`Tests: ${summary.successes + summary.failures} (SUCCESSES: ${summary.successes}, FAILURES: ${summary.failures})`);
    out.push(severityTotal('Failures', findings.map((f) => f.severity)));
  } else {
    out.push(severityTotal('Total', findings.map((f) => f.severity)));
  }
  const ordered = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity)
    || a.location.startLine - b.location.startLine || (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0));
  for (const finding of ordered) {
    const { rule } = finding;
    const title = finding.kind === 'secret' ? `${rule.category ?? 'Secret'} (${rule.id})` : `${rule.id}: ${rule.title}`;
    out.push('', `${paint(`${finding.severity}:`, SEVERITY_COLORS[finding.severity], color)} ${singleLine(title)}`, '═'.repeat(40));
    out.push(singleLine(finding.kind === 'secret' ? rule.title : finding.message));
    if (rule.remediation) out.push('', singleLine(rule.remediation));
    if (rule.url) out.push('', `See ${rule.url}`);
    const lines = finding.location.endLine > finding.location.startLine ? `${finding.location.startLine}-${finding.location.endLine}` : `${finding.location.startLine}`;
    out.push('─'.repeat(40), ` ${result.target}:${lines}`, '─'.repeat(40));
  }
  return out;
}

function licenseSection(result: FileResult, color: boolean): string[] {
  const total = severityTotal('Total', result.licenses.map((f) => f.severity));
  const rows: Row[] = [...result.licenses]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.location.startLine - b.location.startLine)
    .map((f) => ({
      groupStart: false,
      severity: f.severity,
      cells: [[f.rule.category ?? 'unknown'], [f.severity], [f.license?.name ?? f.rule.id], [f.license?.pkgName ?? result.target], [String(f.location.startLine)]],
    }));
  return [...heading(result, 'license'), total, '', ...drawTable(LICENSE_HEADERS, rows, color, 1)];
}

/** Trivy's "Suppressed Vulnerabilities" table: what was left out, by whom and why. */
function suppressedSection(result: FileResult, color: boolean): string[] {
  const suppressed = result.suppressed ?? [];
  const order = new Map(sortFindings(suppressed.map((s) => s.finding)).map((finding, index) => [finding, index]));
  const rows: Row[] = [...suppressed].sort((a, b) => order.get(a.finding)! - order.get(b.finding)!).map((s) => ({
    groupStart: false,
    severity: s.finding.severity,
    cells: [[s.finding.pkgName], [s.finding.vulnerabilityId], [s.finding.severity], [s.status], [truncate(singleLine(s.statement), 60)], [s.source]]
      .map((cell) => cell.map(escapeControl)),
  }));
  return [...heading(result, result.type), `Suppressed Vulnerabilities (Total: ${rows.length})`, '', ...drawTable(SUPPRESSED_HEADERS, rows, color, 2)];
}

function rowsFor(vulns: DetectedVulnerability[], maxTitle: number): Row[] {
  let previousPackage = '';
  return sortFindings(vulns).map((v) => {
    const packageKey = `${v.pkgName}@${v.installedVersion}`;
    const groupStart = packageKey !== previousPackage;
    previousPackage = packageKey;
    const title = [truncate(singleLine(v.title || v.description), maxTitle)];
    if (v.primaryUrl) title.push(truncate(v.primaryUrl, Math.max(maxTitle, 40)));
    return {
      groupStart,
      severity: v.severity,
      cells: [
        [groupStart ? v.pkgName : ''],
        [v.vulnerabilityId],
        [v.severity],
        [v.status],
        [groupStart ? v.installedVersion : ''],
        [v.advisoryFixedVersions.join(', ')],
        title,
      ].map((cell) => cell.map(escapeControl)),
    };
  });
}

/** `severityColumn`: the column whose text is coloured by the row's severity. */
function drawTable(headers: string[], rows: Row[], color: boolean, severityColumn: number): string[] {
  const widths = headers.map((h, col) =>
    Math.max(displayWidth(h), ...rows.flatMap((r) => r.cells[col].map(displayWidth))),
  );
  const rule = (left: string, mid: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (cells: string[], severity?: Severity) =>
    '│' +
    cells
      .map((cell, col) => {
        const padded = cell + ' '.repeat(widths[col] - displayWidth(cell));
        return ` ${col === severityColumn && severity && cell ? paint(padded, SEVERITY_COLORS[severity], color) : padded} `;
      })
      .join('│') +
    '│';

  const out = [rule('┌', '┬', '┐'), line(headers.map((h, col) => (col === headers.length - 1 ? center(h, widths[col]) : h)))];
  rows.forEach((row, index) => {
    if (index === 0 || row.groupStart) out.push(rule('├', '┼', '┤'));
    const height = Math.max(...row.cells.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.cells.map((c) => c[i] ?? ''), i === 0 ? row.severity : undefined));
  });
  out.push(rule('└', '┴', '┘'));
  return out;
}

export const tableWriter: ReportWriter = {
  format: 'table',
  write: (scan, options) => formatTable(scan, { color: options.color, showSuppressed: options.showSuppressed }),
};

function paint(text: string, code: string, color: boolean): string {
  return color ? `${code}${text}${RESET}` : text;
}

function center(text: string, width: number): string {
  const space = width - displayWidth(text);
  const left = Math.floor(space / 2);
  return ' '.repeat(left) + text + ' '.repeat(space - left);
}

function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts to `max` characters, ending in `…` when something was cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('').trimEnd() + '…';
}

/** Characters as the terminal shows them: code points, with ANSI colour codes not counted. */
function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Array.from(text.replace(/\x1b\[[0-9;]*m/g, '')).length;
}
