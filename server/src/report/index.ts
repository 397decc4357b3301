// The report writers, behind one interface and in one list: the CLI's `--format` choices come
// from here. Each writer prints every kind of finding the scan model carries. Adding a format is
// one file and one line below.
import type { ScanResult } from '../engine/types';
import { sarifWriter } from './sarif';
import { tableWriter } from './table';
import { trivyJsonWriter } from './trivy-json';

export interface ReportOptions {
  /** The scanned path as the user gave it. */
  artifactName: string;
  /** JSON: list every package, as Trivy's `--list-all-pkgs`. */
  listAllPkgs?: boolean;
  /** Table: colour severities (pass the terminal's isTTY). */
  color?: boolean;
  /** JSON: report time; defaults to now. */
  createdAt?: Date | string;
  /** SARIF: tool.driver.version. */
  toolVersion?: string;
}

export interface ReportWriter {
  /** The `--format` name. */
  format: string;
  write(scan: ScanResult, options: ReportOptions): string;
}

export const REPORT_WRITERS: readonly ReportWriter[] = [tableWriter, trivyJsonWriter, sarifWriter];

export const REPORT_FORMATS: readonly string[] = REPORT_WRITERS.map(writer => writer.format);

export function writeReport(scan: ScanResult, format: string, options: ReportOptions): string {
  const writer = REPORT_WRITERS.find(w => w.format === format);
  if (!writer) throw new Error(`unknown report format: ${format}`);
  return writer.write(scan, options);
}

export { formatTable } from './table';
export { formatTrivyJson, toTrivyJson } from './trivy-json';
export { formatSarif, toSarif } from './sarif';
