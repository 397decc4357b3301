// Core data model shared by every part of the engine and by its adapters (CLI, LSP, report writers).
// Lines and columns are 1-based, as in Trivy's reports; the LSP layer converts to 0-based.

/** OSV ecosystem names, exactly as OSV spells them. */
export type Ecosystem =
  | 'npm' | 'PyPI' | 'Go' | 'crates.io' | 'Maven' | 'RubyGems' | 'NuGet' | 'Packagist'
  | 'Pub' | 'Hex' | 'Debian' | 'Alpine' | 'Red Hat';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const SEVERITIES: readonly Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Higher is worse: UNKNOWN is 0, CRITICAL 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export type Scanner = 'vuln' | 'misconfig' | 'secret' | 'license';

/** A span of a file. `endColumn` is exclusive. */
export interface SourceRange {
  /** Path relative to the scan root, with forward slashes. */
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface Package {
  /** `name@version`, unique within one file's result. */
  id: string;
  name: string;
  version: string;
  ecosystem: Ecosystem;
  purl: string;
  /** Direct dependencies of the project, as opposed to what they pull in. */
  direct: boolean;
  dev: boolean;
  /** Where the package's entry sits in the file that declared it. */
  location?: SourceRange;
  /** Further entries of the same name@version in the same file (npm nests duplicates), in file order. */
  otherLocations?: SourceRange[];
  /** Ids of the packages this one depends on, where the format records them. */
  dependsOn?: string[];
  /**
   * IDs ignored by a comment next to the package's entry, where the format allows comments
   * (`# vigil:ignore:CVE-2019-1010083` in requirements.txt, on its line or the line above).
   * The detector drops findings whose ID or any alias is listed.
   */
  inlineIgnores?: InlineIgnore[];
}

/** One `vigil:ignore:ID` or `trivy:ignore:ID` comment, optionally `...:exp:YYYY-MM-DD`. */
export interface InlineIgnore {
  id: string;
  /** `YYYY-MM-DD`: the comment stops ignoring on that day (midnight UTC), as ignore-file entries do. */
  expiresAt?: string;
}

/** What an analyzer sees of one file. */
export interface AnalyzerInput {
  /** Path relative to the scan root, with forward slashes. */
  path: string;
  content: string;
}

export interface AnalyzerOutput {
  packages: Package[];
  /** Misconfigurations, secrets and licenses the analyzer found in the file itself. */
  findings?: Finding[];
}

/**
 * An analyzer claims files by path and parses them. It throws on a file it cannot parse;
 * the scan turns that into an error entry for that file alone.
 */
export interface Analyzer {
  /** Stable identifier, e.g. `npm-lock`. */
  id: string;
  /** Trivy's Result.Type for this file kind, e.g. `npm`, `pip`. */
  type: string;
  scanner: Scanner;
  claims(path: string): boolean;
  analyze(input: AnalyzerInput): AnalyzerOutput;
}

export interface CvssScore {
  V3Vector?: string;
  V3Score?: number;
  V40Vector?: string;
  V40Score?: number;
}

/** A package matched to an advisory, with the fields of Trivy's DetectedVulnerability. */
export interface DetectedVulnerability {
  vulnerabilityId: string;
  /** Other IDs of the same advisory (GHSA, PYSEC, ...), the preferred ID excluded. */
  aliases: string[];
  pkgId: string;
  pkgName: string;
  purl: string;
  installedVersion: string;
  /** Fixed versions that apply to the installed version, lowest first. */
  fixedVersions: string[];
  status: 'fixed' | 'affected';
  severity: Severity;
  /** Where the severity came from: `cvss_v3`, `cvss_v4`, `ghsa`, or `none`. */
  severitySource: string;
  title: string;
  description: string;
  references: string[];
  primaryUrl: string;
  cvss: Record<string, CvssScore>;
  /** CWE IDs, where the advisory gives them (GHSA's `database_specific.cwe_ids`). */
  cweIds?: string[];
  publishedDate?: string;
  lastModifiedDate?: string;
  /** The OSV record's ID as stored, before CVE preference. */
  dataSourceId: string;
  location?: SourceRange;
  direct: boolean;
  dev: boolean;
}

/**
 * A finding that is not a package vulnerability: a misconfiguration, a secret or a license.
 * Later analyzers emit these; the report writers and the editor handle every kind the same way.
 */
export interface Finding {
  kind: 'misconfiguration' | 'secret' | 'license';
  /** Stable rule ID (Trivy's where one exists, e.g. `DS002`, `aws-access-key-id`). */
  ruleId: string;
  severity: Severity;
  title: string;
  /** What is wrong here, in one or two sentences. */
  message: string;
  location: SourceRange;
  primaryUrl?: string;
  references?: string[];
  /** An edit that resolves the finding, offered as a quick-fix. */
  fix?: import('./fixes/edits').EngineFix;
}

/** Everything found in one file. */
export interface FileResult {
  /** Path relative to the scan root. */
  target: string;
  /** Trivy's Result.Class: `lang-pkgs`, `os-pkgs`, `config`, `secret`, `license-file`. */
  class: string;
  /** Trivy's Result.Type, e.g. `npm`, `pip`. */
  type: string;
  packages: Package[];
  vulnerabilities: DetectedVulnerability[];
  /** Findings of the other scanners, where an analyzer produced any. */
  findings?: Finding[];
}

export interface FileError {
  file: string;
  message: string;
}

export interface ScanResult {
  /** The scanned path as given. */
  target: string;
  results: FileResult[];
  /** Files that could not be read or parsed. The scan goes on without them. */
  errors: FileError[];
  /** Things the user should know that are not errors: skipped large files, symlinks left out. */
  notes: string[];
}

/** An advisory as the DB hands it out: the OSV record, with its severity worked out once at import. */
export interface StoredAdvisory {
  /**
   * The OSV record, possibly trimmed to what matching needs: the match fields (id, aliases,
   * modified, published, withdrawn) and the `affected` entries of the looked-up package.
   * An in-memory lookup gives the whole record here and no `full`.
   */
  osv: import('./osv').OsvRecord;
  /** The whole OSV record, read on demand (the on-disk DB reads it from disk; only while the DB is open). */
  full?(): import('./osv').OsvRecord;
  severity: Severity;
  /** `cvss_v3`, `cvss_v4`, `ghsa` or `none`. */
  severitySource: string;
  cvss: Record<string, CvssScore>;
}

/** What the detector needs of a vulnerability DB. */
export interface AdvisoryLookup {
  /**
   * Every advisory with an `affected` entry for this package, withdrawn ones excluded.
   * An implementation may trim `osv` to what matching needs (the on-disk DB does) and then gives
   * the whole record through `full()`.
   */
  lookup(ecosystem: Ecosystem, name: string): StoredAdvisory[];
}
