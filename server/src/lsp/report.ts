// The whole-scan summary the report view shows: counts by severity, then findings (vulnerabilities,
// misconfigurations, secrets, licenses), then packages.
import { SEVERITIES, severityRank, type FileError, type FileResult, type Severity } from '../engine/types';
import type { ReportModel } from './protocol';
import { isMalicious } from '../engine/detect';

export function buildReport(targets: string[], files: { file: string; results: FileResult[]; errors: FileError[] }[], title = 'Vigil workspace scan'): ReportModel {
  const bySeverity = Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<Severity, number>;
  const report: ReportModel = { title, generatedAt: new Date().toISOString(), targets, bySeverity, findings: [], packages: [], errors: [] };
  for (const { file, results, errors } of [...files].sort((a, b) => a.file.localeCompare(b.file))) {
    for (const error of errors) report.errors.push({ file, message: error.message });
    for (const result of results) addResult(report, bySeverity, file, result);
  }
  report.findings.sort((a, b) => Number(b.malicious === true) - Number(a.malicious === true) || severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  return report;
}

function addResult(report: ReportModel, bySeverity: Record<Severity, number>, file: string, result: FileResult): void {
  for (const vuln of result.vulnerabilities) {
    bySeverity[vuln.severity]++;
    report.findings.push({
      severity: vuln.severity, id: vuln.vulnerabilityId, type: 'vulnerability', title: vuln.title, file,
      line: vuln.location?.startLine ?? 1, pkgName: vuln.pkgName, installedVersion: vuln.installedVersion,
      fixedVersion: vuln.fixedVersions.join(', ') || undefined, url: vuln.primaryUrl || undefined,
      ...(isMalicious(vuln) ? { malicious: true } : {}),
    });
  }
  for (const finding of [...result.misconfigurations, ...result.secrets, ...result.licenses]) {
    bySeverity[finding.severity]++;
    report.findings.push({
      severity: finding.severity, id: finding.rule.id, type: finding.kind, title: finding.rule.title, file,
      line: finding.location.startLine, url: finding.rule.url || undefined,
    });
  }
  for (const pkg of result.packages) {
    report.packages.push({ name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, file, direct: pkg.direct, dev: pkg.dev });
  }
}
