// One entry point for every report format the CLI offers.
import type { ScanResult } from '../engine/types';
import { formatSarif } from './sarif';
import { formatTable } from './table';
import { formatTrivyJson } from './trivy-json';

export type ReportFormat = 'table' | 'json' | 'sarif';

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

export function writeReport(scan: ScanResult, format: ReportFormat, options: ReportOptions): string {
  switch (format) {
    case 'table':
      return formatTable(scan, { color: options.color });
    case 'json':
      return formatTrivyJson(scan, {
        artifactName: options.artifactName,
        createdAt: options.createdAt,
        listAllPkgs: options.listAllPkgs,
      });
    case 'sarif':
      return formatSarif(scan, { artifactName: options.artifactName, toolVersion: options.toolVersion });
    default:
      throw new Error(`unknown report format: ${String(format)}`);
  }
}

export { formatTable } from './table';
export { formatTrivyJson, toTrivyJson } from './trivy-json';
export { formatSarif, toSarif } from './sarif';
