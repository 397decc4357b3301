// The report writers, behind one interface and in one list: the CLI's `--format` choices come
// from here. Each writer prints every kind of finding the scan model carries. Adding a format is
// one file and one line below.
import type { ScanResult } from '../engine/types';
import { sarifWriter } from './sarif';
import { cycloneDxWriter, spdxJsonWriter } from './sbom';
import { tableWriter } from './table';
import { trivyJsonWriter } from './trivy-json';

export interface ReportOptions {
  /** The scanned path as the user gave it. */
  artifactName: string;
  /** JSON: list every package, as Trivy's `--list-all-pkgs`. */
  listAllPkgs?: boolean;
  /** Table: colour severities (pass the terminal's isTTY). */
  color?: boolean;
  /** JSON: Trivy's ArtifactType (`filesystem`, `cyclonedx`, `spdx`); defaults to filesystem. */
  artifactType?: string;
  /** JSON: report time; defaults to now. */
  createdAt?: Date | string;
  /** SARIF: tool.driver.version; SBOMs: the tool's version. */
  toolVersion?: string;
  /** SBOMs: CycloneDX's serialNumber (`urn:uuid:...`) or SPDX's documentNamespace; random when not given. */
  serialNumber?: string;
  /** Table and JSON: list the vulnerabilities VEX documents and ignore files left out, and why. */
  showSuppressed?: boolean;
}

export interface ReportWriter {
  /** The `--format` name. */
  format: string;
  /** An SBOM: it lists packages, and needs no vulnerability DB unless vulnerabilities are asked for. */
  sbom?: boolean;
  write(scan: ScanResult, options: ReportOptions): string;
}

export const REPORT_WRITERS: readonly ReportWriter[] = [tableWriter, trivyJsonWriter, sarifWriter, cycloneDxWriter, spdxJsonWriter];

export const REPORT_FORMATS: readonly string[] = REPORT_WRITERS.map(writer => writer.format);

/** Whether a format is an SBOM (CycloneDX, SPDX). */
export function isSbomFormat(format: string): boolean {
  return REPORT_WRITERS.find(w => w.format === format)?.sbom === true;
}

export function writeReport(scan: ScanResult, format: string, options: ReportOptions): string {
  const writer = REPORT_WRITERS.find(w => w.format === format);
  if (!writer) throw new Error(`unknown report format: ${format}`);
  return writer.write(scan, options);
}

export { formatTable } from './table';
export { formatTrivyJson, toTrivyJson } from './trivy-json';
export { formatSarif, toSarif } from './sarif';
