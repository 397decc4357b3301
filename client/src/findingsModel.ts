// The findings view's data: what the server reported per file, grouped and filtered.
// No vscode import, so it is unit-testable; the tree provider wraps it.
import { SEVERITY_LABELS, type FindingSummary, type SeverityName, type StatusParams } from '../../server/src/lsp/protocol';

export type GroupBy = 'severity' | 'file' | 'type';
const COUNTED_TYPES = new Set(['vulnerability', 'misconfiguration', 'secret', 'license']);
export const SEVERITY_ORDER: SeverityName[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

export interface FileFinding extends FindingSummary {
  uri: string;
  /** Path shown to the user (workspace-relative where possible). */
  label: string;
}

export interface Group {
  key: string;
  label: string;
  findings: FileFinding[];
}

export class FindingsModel {
  private readonly byUri = new Map<string, FileFinding[]>();
  groupBy: GroupBy = 'severity';
  filter = '';

  /** Replaces one file's findings, as the server's `vigil/findings` notification does. */
  set(uri: string, label: string, findings: FindingSummary[]): void {
    if (findings.length === 0) this.byUri.delete(uri);
    else this.byUri.set(uri, findings.map(f => ({ ...f, uri, label })));
  }

  clear(): void {
    this.byUri.clear();
  }

  /** Every finding, unfiltered: the count the Problems panel shows for source `vigil`. */
  all(): FileFinding[] {
    return [...this.byUri.values()].flat();
  }

  /** Findings matching the filter text (ID, package, message or file, case-insensitive). */
  visible(): FileFinding[] {
    const needle = this.filter.trim().toLowerCase();
    if (!needle) return this.all();
    return this.all().filter(f => [f.id, f.pkgName ?? '', f.message, f.label, f.severity].some(text => text.toLowerCase().includes(needle)));
  }

  /**
   * Findings as the CLI counts them, the one count the status bar, the view and the report show:
   * each finding once, so neither a manifest line summarising a lockfile's findings nor a further
   * copy of a package counts again.
   */
  counted(findings: FileFinding[] = this.all()): FileFinding[] {
    return findings.filter(f => COUNTED_TYPES.has(f.type) && !f.copy);
  }

  countsBySeverity(findings: FileFinding[] = this.all()): Record<SeverityName, number> {
    const counts = Object.fromEntries(SEVERITY_ORDER.map(s => [s, 0])) as Record<SeverityName, number>;
    for (const finding of this.counted(findings)) counts[finding.severity]++;
    return counts;
  }

  groups(): Group[] {
    const groups = new Map<string, Group>();
    for (const finding of this.visible()) {
      const key = this.groupBy === 'severity' ? finding.severity : this.groupBy === 'file' ? finding.uri : finding.type;
      const label = this.groupBy === 'file' ? finding.label : this.groupBy === 'severity' ? SEVERITY_LABELS[finding.severity] : key;
      const group = groups.get(key) ?? { key, label, findings: [] };
      group.findings.push(finding);
      groups.set(key, group);
    }
    const order = (g: Group) => (this.groupBy === 'severity' ? SEVERITY_ORDER.indexOf(g.key as SeverityName) : 0);
    const sorted = [...groups.values()].sort((a, b) => order(a) - order(b) || a.label.localeCompare(b.label));
    for (const group of sorted) {
      group.findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.label.localeCompare(b.label) || a.line - b.line);
    }
    return sorted;
  }
}

/** Status bar text, e.g. `2C 5H 1M 0L`, with `12U` after it when some advisories have no severity. */
export function countsText(counts: Record<SeverityName, number>): string {
  const unknown = counts.UNKNOWN > 0 ? ` ${counts.UNKNOWN}U` : '';
  return `${counts.CRITICAL}C ${counts.HIGH}H ${counts.MEDIUM}M ${counts.LOW}L${unknown}`;
}

/** DB age in words and whether it counts as stale (older than 7 days, or missing). */
export function dbAge(updatedAt: string | undefined, now = Date.now()): { text: string; stale: boolean } {
  if (!updatedAt) return { text: 'no DB', stale: true };
  const ms = now - Date.parse(updatedAt);
  if (Number.isNaN(ms)) return { text: 'DB age unknown', stale: true };
  const hours = Math.floor(ms / 3_600_000);
  const text = hours < 1 ? 'DB <1h' : hours < 48 ? `DB ${hours}h` : `DB ${Math.floor(hours / 24)}d`;
  return { text, stale: ms > 7 * 24 * 3_600_000 };
}

/** What the status bar item shows: its text, the DB line of its tooltip, and whether to warn. */
export interface StatusBarView {
  text: string;
  dbLine: string;
  warning: boolean;
}

/**
 * The status bar from the server's latest vigil/status. Until the server's first answer (`answered`:
 * a status after its first scan) it says it is loading, never zero counts and "no DB".
 */
export function statusBarView(status: StatusParams | undefined, answered: boolean, counts: Record<SeverityName, number>, now = Date.now()): StatusBarView {
  if (!status || !answered) {
    return { text: '$(sync~spin) Vigil: loading…', dbLine: status?.db.state === 'ready' ? 'DB ready; first scan running' : 'DB: loading', warning: false };
  }
  if (status.db.state === 'loading') {
    // Nothing needed the DB yet (no folder, no lockfile): it opens with the first one.
    return { text: '$(shield) Vigil', dbLine: 'DB: not opened yet (nothing scanned)', warning: false };
  }
  const age = dbAge(status.db.state === 'ready' || status.db.updatedAt ? status.db.updatedAt : undefined, now);
  const scanning = status.scanning ? '$(sync~spin) ' : '';
  const dbLine = status.db.state === 'ready'
    ? `DB built ${status.db.updatedAt ?? 'at an unknown time'}${age.stale ? ' — **stale**, run *Vigil: Update Vulnerability DB*' : ''}`
    : `DB: ${status.db.state}${status.db.message ? ` — ${status.db.message}` : ''}`;
  return { text: `${scanning}$(shield) ${countsText(counts)} · ${age.text}`, dbLine, warning: age.stale };
}
