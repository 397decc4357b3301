// The terminal report, laid out like Trivy's table: per file a `path (type)` header, a severity
// total and a box-drawn table. Colours only when asked (the CLI passes isTTY), never otherwise.
import type { DetectedVulnerability, FileResult, ScanResult, Severity } from '../engine/types';
import { SEVERITIES } from '../engine/types';
import { sortFindings } from '../engine/detect';
import { escapeControl } from '../engine/text';

export interface TableOptions {
  color?: boolean;
  /** Longest title shown before it is cut with `…`. */
  maxTitleLength?: number;
}

const HEADERS = ['Library', 'Vulnerability', 'Severity', 'Status', 'Installed Version', 'Fixed Version', 'Title'];
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

  const withFindings = [...scan.results]
    .filter((r) => r.vulnerabilities.length > 0)
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  for (const result of withFindings) {
    out.push(...resultSection(result, color, maxTitle), '');
  }
  if (withFindings.length === 0) {
    const files = scan.results.length;
    out.push(`No vulnerabilities found (${files} ${files === 1 ? 'file' : 'files'} with dependencies scanned).`, '');
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

function resultSection(result: FileResult, color: boolean, maxTitle: number): string[] {
  const header = escapeControl(`${result.target} (${result.type})`);
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const v of result.vulnerabilities) counts.set(v.severity, (counts.get(v.severity) ?? 0) + 1);
  const total = `Total: ${result.vulnerabilities.length} (${SEVERITIES.map((s) => `${s}: ${counts.get(s)}`).join(', ')})`;
  return [header, '='.repeat(displayWidth(header)), total, '', ...drawTable(rowsFor(result.vulnerabilities, maxTitle), color)];
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
        [v.fixedVersions.join(', ')],
        title,
      ].map((cell) => cell.map(escapeControl)),
    };
  });
}

function drawTable(rows: Row[], color: boolean): string[] {
  const widths = HEADERS.map((h, col) =>
    Math.max(displayWidth(h), ...rows.flatMap((r) => r.cells[col].map(displayWidth))),
  );
  const rule = (left: string, mid: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (cells: string[], severity?: Severity) =>
    '│' +
    cells
      .map((cell, col) => {
        const padded = cell + ' '.repeat(widths[col] - displayWidth(cell));
        return ` ${col === 2 && severity && cell ? paint(padded, SEVERITY_COLORS[severity], color) : padded} `;
      })
      .join('│') +
    '│';

  const out = [rule('┌', '┬', '┐'), line(HEADERS.map((h, col) => (col === HEADERS.length - 1 ? center(h, widths[col]) : h)))];
  rows.forEach((row, index) => {
    if (index === 0 || row.groupStart) out.push(rule('├', '┼', '┤'));
    const height = Math.max(...row.cells.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.cells.map((c) => c[i] ?? ''), i === 0 ? row.severity : undefined));
  });
  out.push(rule('└', '┴', '┘'));
  return out;
}

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
