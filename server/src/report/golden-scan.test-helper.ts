// Builds a Vigil ScanResult from one of Trivy's golden reports (test/fixtures/report/*.golden), so the
// report writers can be checked against what Trivy itself printed for the same findings.
import { emptyResult } from '../engine/scan';
import * as fs from 'fs';
import * as path from 'path';
import type { DetectedVulnerability, Ecosystem, FileResult, Package, ScanResult, Severity } from '../engine/types';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/report');

/* eslint-disable @typescript-eslint/no-explicit-any */
export type GoldenJson = any;

export function readGolden(name: string): GoldenJson {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

const ECOSYSTEM_BY_PURL: Record<string, Ecosystem> = {
  npm: 'npm', pypi: 'PyPI', composer: 'Packagist', pub: 'Pub', golang: 'Go', cargo: 'crates.io', maven: 'Maven', nuget: 'NuGet',
};

/** The column span is not in Trivy's report; a plausible one keeps Vigil's extra fields exercised. */
function range(target: string, startLine: number, endLine: number) {
  return { file: target, startLine, startColumn: 5, endLine, endColumn: 6 };
}

export function scanFromGolden(golden: GoldenJson): ScanResult {
  const results: FileResult[] = golden.Results.map((r: GoldenJson): FileResult => {
    const packages: Package[] = (r.Packages ?? []).map((p: GoldenJson) => {
      const purlType = /^pkg:([^/]+)/.exec(p.Identifier.PURL)![1];
      const loc = p.Locations?.[0];
      const pkg: Package & { licenses?: string[] } = {
        id: p.ID ?? `${p.Name}@${p.Version}`,
        name: p.Name,
        version: p.Version,
        ecosystem: ECOSYSTEM_BY_PURL[purlType],
        purl: p.Identifier.PURL,
        direct: p.Relationship !== 'indirect',
        dev: p.Dev === true,
        location: loc ? range(r.Target, loc.StartLine, loc.EndLine) : undefined,
        dependsOn: p.DependsOn,
      };
      if (p.Licenses) pkg.licenses = p.Licenses;
      return pkg;
    });
    const vulnerabilities = (r.Vulnerabilities ?? []).map((v: GoldenJson) => {
      const pkg = packages.find((p) => p.purl === v.PkgIdentifier.PURL);
      const ghsa = (v.References ?? []).join(' ').match(/GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/)?.[0];
      const advisoryId = ghsa ?? v.VulnerabilityID;
      const finding: DetectedVulnerability & { cweIds?: string[]; vendorSeverity?: Record<string, number> } = {
        vulnerabilityId: v.VulnerabilityID,
        aliases: advisoryId !== v.VulnerabilityID ? [advisoryId] : [],
        pkgId: v.PkgID ?? `${v.PkgName}@${v.InstalledVersion}`,
        pkgName: v.PkgName,
        purl: v.PkgIdentifier.PURL,
        installedVersion: v.InstalledVersion,
        fixedVersions: v.FixedVersion ? v.FixedVersion.split(', ') : [],
        advisoryFixedVersions: v.FixedVersion ? v.FixedVersion.split(', ') : [],
        status: v.Status,
        severity: v.Severity as Severity,
        severitySource: v.SeveritySource ?? 'none',
        title: v.Title ?? '',
        description: v.Description ?? '',
        references: v.References ?? [],
        primaryUrl: v.PrimaryURL ?? '',
        cvss: v.CVSS ?? {},
        publishedDate: v.PublishedDate,
        lastModifiedDate: v.LastModifiedDate,
        dataSourceId: advisoryId,
        location: pkg?.location,
        direct: pkg?.direct ?? true,
        dev: pkg?.dev ?? false,
      };
      if (v.CweIDs) finding.cweIds = v.CweIDs;
      if (v.VendorSeverity) finding.vendorSeverity = v.VendorSeverity;
      return finding;
    });
    return { ...emptyResult(r.Target, r.Class, r.Type), packages, vulnerabilities };
  });
  return { target: golden.ArtifactName, results, errors: [], notes: [] };
}
