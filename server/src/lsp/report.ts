// The whole-scan summary the report view shows: counts by severity, then findings (vulnerabilities,
// misconfigurations, secrets, licenses), then packages.
import { SEVERITIES, severityRank, type FileError, type FileResult, type Package, type Severity, type SourceRange } from '../engine/types';
import type { ReportLocation, ReportModel } from './protocol';
import { isMalicious } from '../engine/detect';

/** One analyzed file: its path as shown, its URI when it is on disk, and what the engine found. */
export interface ReportFile {
  file: string;
  uri?: string;
  results: FileResult[];
  errors: FileError[];
}

export function buildReport(targets: string[], files: ReportFile[], title = 'Vigil workspace scan'): ReportModel {
  const bySeverity = Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<Severity, number>;
  const report: ReportModel = { title, generatedAt: new Date().toISOString(), targets, bySeverity, findings: [], packages: [], errors: [] };
  for (const { file, uri, results, errors } of [...files].sort((a, b) => a.file.localeCompare(b.file))) {
    for (const error of errors) report.errors.push({ file, message: error.message });
    for (const result of results) addResult(report, bySeverity, file, uri, result);
  }
  report.findings.sort((a, b) => Number(b.malicious === true) - Number(a.malicious === true) || severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  return report;
}

function at(range: SourceRange): ReportLocation {
  return { line: range.startLine, column: range.startColumn };
}

/** Where a package's finding is marked: the underlined key of each copy, else its one location. */
function packageLocations(pkg: Package | undefined, fallback: SourceRange | undefined): ReportLocation[] {
  if (pkg?.copies?.length) return pkg.copies.map(copy => at(copy.highlight));
  const range = fallback ?? pkg?.location;
  return range ? [at(range)] : [];
}

function addResult(report: ReportModel, bySeverity: Record<Severity, number>, file: string, uri: string | undefined, result: FileResult): void {
  const packages = new Map(result.packages.map(p => [p.id, p]));
  for (const vuln of result.vulnerabilities) {
    bySeverity[vuln.severity]++;
    const locations = packageLocations(packages.get(vuln.pkgId), vuln.location);
    report.findings.push({
      severity: vuln.severity, id: vuln.vulnerabilityId, type: 'vulnerability', title: vuln.title, file,
      line: locations[0]?.line ?? 1, pkgName: vuln.pkgName, installedVersion: vuln.installedVersion,
      fixedVersion: vuln.fixedVersions.join(', ') || undefined, url: vuln.primaryUrl || undefined,
      ...(isMalicious(vuln) ? { malicious: true } : {}),
      ...(uri ? { uri } : {}), locations,
    });
  }
  for (const finding of [...result.misconfigurations, ...result.secrets, ...result.licenses]) {
    bySeverity[finding.severity]++;
    report.findings.push({
      severity: finding.severity, id: finding.rule.id, type: finding.kind, title: finding.rule.title, file,
      line: finding.location.startLine, url: finding.rule.url || undefined, ...(uri ? { uri } : {}), locations: [at(finding.location)],
    });
  }
  for (const pkg of result.packages) {
    report.packages.push({ name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, file, direct: pkg.direct, dev: pkg.dev });
  }
}
