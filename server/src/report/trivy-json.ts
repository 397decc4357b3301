// Trivy's JSON report (SchemaVersion 2), written so that tools reading Trivy's output read ours unchanged.
//
// Field order and omission follow Trivy's Go structs as its integration goldens show them: empty
// strings, empty lists and false booleans are left out (`omitempty`), and `<`, `>`, `&` are written
// as \u003c, \u003e, \u0026 as Go's encoder does.
//
// Trivy fields Vigil does not produce: `Trivy.Version`, `ArtifactID`, `Fingerprint`, `Layer`
// (no container layers), `VendorIDs`, `PkgPath`. `PkgIdentifier.UID` is Vigil's own stable hash,
// not Trivy's. `Licenses`, `CweIDs` and `VendorSeverity` appear when the scan carries them.
//
// Vigil-only fields (names Trivy does not use, always last in their object):
//   Vulnerability.VigilAliases       other IDs of the advisory (GHSA-, PYSEC-, ...), preferred ID excluded
//   Vulnerability.VigilAdvisoryID    the OSV record the finding came from
//   Vulnerability.VigilLocation      {StartLine, StartColumn, EndLine, EndColumn} of the dependency entry
//   Vulnerability.VigilLocations     every copy of the package, where it has several, each with Dev and Direct
//   Package.VigilLocation            the same for a listed package
//   Report.VigilErrors               [{Target, Message}] files that could not be read or parsed
//   Report.VigilNotes                [string] things worth knowing that are not errors
//   Misconfiguration/Secret/License.VigilLocation   the finding's exact range
//
// Misconfigurations, secrets and licenses use Trivy's field names. Not written: `AVDID`,
// `Namespace`, `Query` and `Layer` of misconfigurations, and the `Code` snippets, which would copy
// file content (a secret's line above all) into the report.
import { createHash } from 'crypto';
import type { CvssScore, DetectedVulnerability, FileResult, Finding, Package, ScanResult, SourceRange } from '../engine/types';
import type { ReportWriter } from '.';
import { sortFindings } from '../engine/detect';
import { compareStrings } from '../engine/text';

export interface TrivyJsonOptions {
  /** The scanned path as the user gave it. */
  artifactName: string;
  /** Defaults to now. */
  createdAt?: Date | string;
  /** List every package of each file, as Trivy's `--list-all-pkgs`. */
  listAllPkgs?: boolean;
  /** Trivy's ArtifactType; `filesystem` for `vigil fs`. */
  artifactType?: string;
  /** Trivy's ReportID; left out when not given. */
  reportId?: string;
  /** Trivy's Metadata object; left out when empty, as Trivy does for folders. */
  metadata?: Record<string, unknown>;
  /** Write the vulnerabilities VEX documents and ignore files left out (`ExperimentalModifiedFindings`), as `--show-suppressed`. */
  showSuppressed?: boolean;
}

/** Optional data a detector may attach beyond the shared DetectedVulnerability contract. */
type VulnerabilityExtras = DetectedVulnerability & {
  vendorSeverity?: Record<string, number>;
};
type PackageExtras = Package & { licenses?: string[] };

type Json = Record<string, unknown>;

export function toTrivyJson(scan: ScanResult, options: TrivyJsonOptions): Json {
  const results = [...scan.results]
    .filter((r) => r.packages.length > 0 || r.vulnerabilities.length > 0 || r.misconfSummary
      || r.misconfigurations.length > 0 || r.secrets.length > 0 || r.licenses.length > 0 || (options.showSuppressed && r.suppressed?.length))
    .sort((a, b) => compareStrings(a.target, b.target))
    .map((r) => resultJson(r, options.listAllPkgs === true, options.showSuppressed === true));
  return compact({
    SchemaVersion: 2,
    ReportID: options.reportId,
    CreatedAt: goTime(options.createdAt ?? new Date()),
    ArtifactName: options.artifactName,
    ArtifactType: options.artifactType ?? 'filesystem',
    Metadata: options.metadata && Object.keys(options.metadata).length > 0 ? options.metadata : undefined,
    Results: results,
    VigilErrors: scan.errors.map((e) => ({ Target: e.file, Message: e.message })),
    VigilNotes: scan.notes,
  });
}

/** The report as Trivy prints it: two-space indent, Go's HTML escaping, trailing newline. */
export function formatTrivyJson(scan: ScanResult, options: TrivyJsonOptions): string {
  return goJsonEscape(JSON.stringify(toTrivyJson(scan, options), null, 2)) + '\n';
}

export const trivyJsonWriter: ReportWriter = {
  format: 'json',
  write: (scan, options) => formatTrivyJson(scan, options),
};

function resultJson(result: FileResult, listAllPkgs: boolean, showSuppressed: boolean): Json {
  return compact({
    Target: result.target,
    Class: result.class,
    Type: result.type,
    Packages: listAllPkgs ? sortPackages(result.packages).map((p) => packageJson(p, result)) : undefined,
    Vulnerabilities: sortFindings(result.vulnerabilities).map((v) => vulnerabilityJson(v, result)),
    MisconfSummary: result.misconfSummary && { Successes: result.misconfSummary.successes, Failures: result.misconfSummary.failures },
    Misconfigurations: sortByLocation(result.misconfigurations).map((f) => misconfigurationJson(f, result)),
    Secrets: sortByLocation(result.secrets).map(secretJson),
    Licenses: sortByLocation(result.licenses).map((f) => licenseJson(f, result)),
    ExperimentalModifiedFindings: showSuppressed ? suppressedJson(result) : undefined,
  });
}

/** Trivy's ModifiedFinding: the vulnerability as it would have been reported, with who left it out and why. */
function suppressedJson(result: FileResult): Json[] {
  const suppressed = result.suppressed ?? [];
  const order = new Map(sortFindings(suppressed.map((s) => s.finding)).map((finding, index) => [finding, index]));
  return [...suppressed]
    .sort((a, b) => order.get(a.finding)! - order.get(b.finding)!)
    .map((s) => compact({
      Type: 'vulnerability',
      Status: s.status,
      Statement: s.statement,
      Source: s.source,
      Finding: vulnerabilityJson(s.finding, result),
    }));
}

function sortByLocation(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn
    || compareStrings(a.rule.id, b.rule.id));
}

/** Trivy's misconfiguration Type, by the result's Type. */
const CHECK_TYPES: Record<string, string> = {
  dockerfile: 'Dockerfile Security Check',
  kubernetes: 'Kubernetes Security Check',
  terraform: 'Terraform Security Check',
};

function misconfigurationJson(finding: Finding, result: FileResult): Json {
  const { rule, location } = finding;
  return compact({
    Type: CHECK_TYPES[result.type] ?? `${result.type} Security Check`,
    ID: rule.id,
    Title: rule.title,
    Message: finding.message,
    Resolution: rule.remediation,
    Severity: finding.severity,
    PrimaryURL: rule.url,
    References: rule.url ? [rule.url] : undefined,
    Status: 'FAIL',
    CauseMetadata: compact({
      Resource: finding.cause?.resource,
      Provider: finding.cause?.provider,
      Service: finding.cause?.service,
      StartLine: location.startLine,
      EndLine: location.endLine,
    }),
    VigilLocation: locationJson(location),
  });
}

function secretJson(finding: Finding): Json {
  return compact({
    RuleID: finding.rule.id,
    Category: finding.rule.category,
    Severity: finding.severity,
    Title: finding.rule.title,
    StartLine: finding.location.startLine,
    EndLine: finding.location.endLine,
    Match: finding.match,
    VigilLocation: locationJson(finding.location),
  });
}

function licenseJson(finding: Finding, result: FileResult): Json {
  return compact({
    Severity: finding.severity,
    Category: finding.rule.category,
    PkgName: finding.license?.pkgName,
    FilePath: result.target,
    Name: finding.license?.name ?? finding.rule.id,
    Confidence: finding.license?.confidence,
    Link: finding.license?.link,
    VigilLocation: locationJson(finding.location),
  });
}

function packageJson(pkg: PackageExtras, result: FileResult): Json {
  return compact({
    ID: pkg.id,
    Name: pkg.name,
    Identifier: compact({ PURL: pkg.purl, UID: packageUid(result.target, pkg.id, pkg.purl) }),
    Version: pkg.version,
    Dev: pkg.dev,
    Licenses: pkg.licenses,
    Indirect: !pkg.direct,
    Relationship: pkg.direct ? 'direct' : 'indirect',
    DependsOn: pkg.dependsOn,
    Locations: locationsOf(pkg).map((l) => ({ StartLine: l.startLine, EndLine: l.endLine })),
    AnalyzedBy: ANALYZER_BY_TYPE[result.type] ?? result.type,
    VigilLocation: locationJson(pkg.location),
  });
}

/** Trivy's analyzer names where they differ from the result type. */
const ANALYZER_BY_TYPE: Record<string, string> = {
  pub: 'pubspec-lock',
  gradle: 'gradle-lockfile',
  sbt: 'sbt-lockfile',
  hex: 'mix-lock',
  conan: 'conan-lock',
};

/** Every entry of a package in its file: each copy, or its one location. */
function locationsOf(pkg: Package | undefined): SourceRange[] {
  if (pkg?.copies?.length) return pkg.copies.map((c) => c.location);
  return pkg?.location ? [pkg.location] : [];
}

function vulnerabilityJson(vuln: VulnerabilityExtras, result: FileResult): Json {
  const source = dataSource(vuln.dataSourceId, vuln.purl);
  return compact({
    VulnerabilityID: vuln.vulnerabilityId,
    PkgID: vuln.pkgId,
    PkgName: vuln.pkgName,
    PkgIdentifier: compact({ PURL: vuln.purl, UID: packageUid(result.target, vuln.pkgId, vuln.purl) }),
    InstalledVersion: vuln.installedVersion,
    FixedVersion: vuln.advisoryFixedVersions.join(', '),
    Status: vuln.status,
    SeveritySource: vuln.severitySource === 'none' ? undefined : vuln.severityFrom ? dataSource(vuln.severityFrom, vuln.purl).ID : source.ID,
    PrimaryURL: vuln.primaryUrl,
    DataSource: source,
    Title: vuln.title,
    Description: vuln.description,
    Severity: vuln.severity,
    CweIDs: vuln.cweIds,
    VendorSeverity: vuln.vendorSeverity,
    CVSS: cvssJson(vuln.cvss),
    References: vuln.references,
    PublishedDate: vuln.publishedDate && goTime(vuln.publishedDate),
    LastModifiedDate: vuln.lastModifiedDate && goTime(vuln.lastModifiedDate),
    VigilAliases: vuln.aliases,
    VigilAdvisoryID: vuln.dataSourceId,
    VigilSeverityFrom: vuln.severityFrom,
    VigilLocation: locationJson(vuln.location),
    VigilLocations: copiesJson(result.packages.find((p) => p.id === vuln.pkgId)),
  });
}

/** Every copy of a package, where it has more than one: its place and its own dev status. */
function copiesJson(pkg: Package | undefined): Json[] | undefined {
  if (!pkg?.copies || pkg.copies.length < 2) return undefined;
  return pkg.copies.map((c) => compact({ ...locationJson(c.location), Dev: c.dev, Direct: c.direct }));
}

function cvssJson(cvss: Record<string, CvssScore>): Json | undefined {
  const entries = Object.keys(cvss)
    .sort(compareStrings) // Go writes map keys sorted
    .map((key) => {
      const s = cvss[key] as CvssScore & { V2Vector?: string; V2Score?: number };
      return [key, compact({
        V2Vector: s.V2Vector, V3Vector: s.V3Vector, V40Vector: s.V40Vector,
        V2Score: s.V2Score, V3Score: s.V3Score, V40Score: s.V40Score,
      })] as const;
    });
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function locationJson(location: SourceRange | undefined): Json | undefined {
  if (!location) return undefined;
  return {
    StartLine: location.startLine,
    StartColumn: location.startColumn,
    EndLine: location.endLine,
    EndColumn: location.endColumn,
  };
}

/** GitHub's ecosystem names in its advisory URLs and Trivy's source names, by purl type. */
const GHSA_ECOSYSTEMS: Record<string, [label: string, query: string]> = {
  npm: ['Npm', 'npm'],
  pypi: ['Pip', 'pip'],
  golang: ['Go', 'go'],
  maven: ['Maven', 'maven'],
  nuget: ['Nuget', 'nuget'],
  gem: ['RubyGems', 'rubygems'],
  composer: ['Composer', 'composer'],
  pub: ['Pub', 'pub'],
  cargo: ['Rust', 'rust'],
  hex: ['Erlang', 'erlang'],
  swift: ['Swift', 'swift'],
};

/** Trivy's DataSource for the database an OSV record comes from, worked out from its ID. */
export function dataSource(advisoryId: string, purl: string): { ID: string; Name: string; URL: string } {
  const purlType = /^pkg:([^/]+)\//.exec(purl)?.[1]?.toLowerCase() ?? '';
  const prefix = advisoryId.split('-')[0].toUpperCase();
  if (prefix === 'GHSA') {
    const [label, query] = GHSA_ECOSYSTEMS[purlType] ?? ['', ''];
    return {
      ID: 'ghsa',
      Name: label ? `GitHub Security Advisory ${label}` : 'GitHub Security Advisory',
      URL: `https://github.com/advisories?query=type%3Areviewed${query ? `+ecosystem%3A${query}` : ''}`,
    };
  }
  switch (prefix) {
    case 'PYSEC':
      return { ID: 'osv', Name: 'Python Packaging Advisory Database', URL: 'https://github.com/pypa/advisory-db' };
    case 'RUSTSEC':
      return { ID: 'osv', Name: 'RustSec Advisory Database', URL: 'https://github.com/RustSec/advisory-db' };
    case 'GO':
      return { ID: 'govulndb', Name: 'The Go Vulnerability Database', URL: 'https://pkg.go.dev/vuln/' };
    case 'MAL':
      return { ID: 'osv', Name: 'OpenSSF Malicious Packages', URL: 'https://github.com/ossf/malicious-packages' };
  }
  if (purlType === 'apk') return { ID: 'alpine', Name: 'Alpine Secdb', URL: 'https://secdb.alpinelinux.org/' };
  if (purlType === 'deb' && /\/debian\//.test(purl)) {
    return { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' };
  }
  return { ID: 'osv', Name: 'OSV', URL: `https://osv.dev/vulnerability/${advisoryId}` };
}

/** Trivy's order: direct dependencies before indirect ones, then by name and version. */
function sortPackages(packages: readonly Package[]): Package[] {
  return [...packages].sort(
    (a, b) =>
      Number(!a.direct) - Number(!b.direct) || compareStrings(a.name, b.name) || compareStrings(a.version, b.version),
  );
}

/** A stable 64-bit package identity in the shape of Trivy's UID (hex, no leading zeros). */
function packageUid(target: string, pkgId: string, purl: string): string {
  const digest = createHash('sha256').update(`${target}\0${pkgId}\0${purl}`).digest();
  return digest.readBigUInt64BE(0).toString(16);
}

/** RFC 3339 with fractional seconds only when non-zero, as Go's time.Time marshals. */
function goTime(value: Date | string): string {
  if (typeof value === 'string') {
    // Keep the advisory's own text when it is already RFC 3339; only drop a zero fraction.
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
      return value.replace(/\.(\d*?)0+(Z|[+-])/, (_m, digits: string, zone: string) => (digits ? `.${digits}${zone}` : zone));
    }
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) return value;
    value = parsed;
  }
  return value.toISOString().replace(/\.000Z$/, 'Z').replace(/\.(\d*?)0+Z$/, '.$1Z');
}

/** Drops what Go's `omitempty` drops: undefined, '', false, empty arrays and empty objects. */
function compact(object: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0) continue;
    out[key] = value;
  }
  return out;
}

function goJsonEscape(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
