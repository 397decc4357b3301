// Core data model shared by every part of the engine and by its adapters (CLI, LSP, report writers).
// Lines and columns are 1-based, as in Trivy's reports; the LSP layer converts to 0-based.

/**
 * OSV ecosystem names, exactly as OSV spells them, and `CocoaPods`, which no advisory source covers:
 * its packages are listed (for inventory and SBOMs), never looked up (see ecosystems.ts).
 */
export type Ecosystem =
  | 'npm' | 'PyPI' | 'Go' | 'crates.io' | 'Maven' | 'RubyGems' | 'NuGet' | 'Packagist'
  | 'Pub' | 'Hex' | 'SwiftURL' | 'ConanCenter' | 'Julia' | 'Debian' | 'Alpine' | 'Red Hat'
  | 'CocoaPods';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const SEVERITIES: readonly Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Higher is worse: UNKNOWN is 0, CRITICAL 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export type Scanner = 'vuln' | 'misconfig' | 'secret' | 'license';
/** Every scanner, as Trivy's `--scanners` names them; which are available comes from the analyzer registry. */
export const SCANNERS: readonly Scanner[] = ['vuln', 'misconfig', 'secret', 'license'];

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
  /** Where the package's (first) entry sits in the file that declared it. */
  location?: SourceRange;
  /**
   * Every entry of this name@version in the file, in file order, where the format can repeat one
   * (npm nests copies under the packages that need them; a requirements file can pin twice).
   * Absent means one entry, at `location`.
   */
  copies?: PackageCopy[];
  /** Ids of the packages this one depends on, where the format records them. */
  dependsOn?: string[];
  /**
   * IDs ignored by a comment next to the package's entry, where the format allows comments
   * (`# vigil:ignore:CVE-2019-1010083` in requirements.txt, on its line or the line above).
   * The detector drops findings whose ID or any alias is listed.
   */
  inlineIgnores?: InlineIgnore[];
  /** Digests of the package's archive, where the format records them (npm's `integrity`, Cargo's `checksum`, Composer's dist `shasum`, NuGet's `contentHash`, pub's `sha256`). */
  hashes?: PackageHash[];
  /** License names or SPDX expressions, where the format or the package's metadata gives them. */
  licenses?: string[];
  /**
   * In a lockfile of several projects (npm, yarn Berry, pnpm, bun, uv and Cargo workspaces): the
   * folders of the projects whose dependencies pull the package in, relative to the lockfile's
   * folder, `''` for the root. (Each Go module has its own go.mod, and so needs none.)
   */
  members?: string[];
}

/** A digest of a package, hex-encoded, under CycloneDX's algorithm name. */
export interface PackageHash {
  algorithm: 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  value: string;
}

/** The project a dependency file belongs to (go.mod's `module`): the root of its dependency graph. */
export interface ProjectInfo {
  name: string;
  version?: string;
  purl: string;
}

/** One entry of a package in its file: each copy has its own place, dev status and requirers. */
export interface PackageCopy {
  /** The entry's key in its file (an npm folder path), naming the copy in `requiredBy`. */
  key: string;
  /** The whole entry: hovers and code actions answer anywhere on it. */
  location: SourceRange;
  /** What the editor underlines: the package's name or key, on one line. */
  highlight: SourceRange;
  direct: boolean;
  dev: boolean;
  /** Keys of the copies that require this one, where the format records it. */
  requiredBy?: string[];
}

/** One `vigil:ignore:ID` or `trivy:ignore:ID` comment, optionally `...:exp:YYYY-MM-DD`. */
export interface InlineIgnore {
  id: string;
  /** `YYYY-MM-DD`: the comment stops ignoring on that day (midnight UTC), as ignore-file entries do. */
  expiresAt?: string;
}

/** What an analyzer sees of one file. The scan reads it (and its siblings) through a FileSource. */
export interface AnalyzerInput {
  /** Path relative to the scan root, with forward slashes. */
  path: string;
  /** The file's text, decoded once by the file source. Empty for analyzers that read bytes. */
  content: string;
  /** The file's bytes, for analyzers that declare `reads: 'bytes'`. */
  bytes?: Uint8Array;
  /** The text of each declared sibling that exists beside the file, by file name. */
  siblings?: ReadonlyMap<string, string>;
  /** The text of each file the analyzer's `gather` read (a Maven parent POM), by root-relative path. */
  related?: ReadonlyMap<string, string>;
}

/**
 * Reads a file of the scan for an analyzer's `gather`: a root-relative path (`a/../b` allowed)
 * gives its text, or undefined when it is not there, cannot be read, lies outside the scan root
 * or is one read too many for one analysis.
 */
export interface RelatedReader {
  (path: string): Promise<string | undefined>;
  /**
   * The names of the files in a root-relative folder (`''` for the root), sorted, or undefined when
   * it is not a folder of the scan (a link out of the root included). Counts as one read.
   */
  listFiles?(dir: string): Promise<string[] | undefined>;
}

export interface AnalyzerOutput {
  packages: Package[];
  /** What the user should know about the file that is no error (entries passed over, a version that needs a remote repository, a file too large to search); never its content. */
  notes?: string[];
  /** Misconfigurations, secrets and licenses found in the file itself. */
  findings?: Finding[];
  /** Misconfiguration checks that passed and failed on the file, for Trivy's MisconfSummary. */
  misconfSummary?: MisconfSummary;
  /** The project the file belongs to, where the format names it. */
  project?: ProjectInfo;
}

/** How the editor fixes a vulnerable package found by an analyzer. */
export type FixStyle =
  /** Bump the direct dependency in the manifest; override an indirect one with the manager's field. */
  | 'npm' | 'yarn' | 'pnpm'
  /** Rewrite the pin in the requirements file itself. */
  | 'pip-pin'
  | 'none';

/**
 * One entry of the analyzer registry: what a file kind is, which files it claims, what it reads
 * beside them and how its findings are fixed. It throws on a file it cannot parse; the scan turns
 * that into an error entry for that file alone.
 */
export interface Analyzer {
  /** Stable identifier, e.g. `npm-lock`. */
  id: string;
  /** Trivy's Result.Type for this file kind, e.g. `npm`, `pip`. */
  type: string;
  scanner: Scanner;
  /** The ecosystem of the packages it reports, for analyzers of the `vuln` scanner. */
  ecosystem?: Ecosystem;
  /** File names it claims, in any folder; one `*` stands for any run of characters (`requirements*.txt`, `*`). */
  fileNames: readonly string[];
  /** Files beside the claimed one that it reads too; an edit to one re-analyzes the claimed file. */
  siblings?: readonly string[];
  /** The sibling that declares the direct dependencies, which the editor annotates and fixes. */
  manifest?: string;
  /** Whether `vigil:ignore:ID` comments in the file are honoured (the format has comments). */
  inlineIgnores: boolean;
  fixes: FixStyle;
  /** `text` (default) gets the decoded text; `bytes` the raw bytes, for binary formats. */
  reads?: 'text' | 'bytes';
  /** Binary content is no error for this analyzer: the file is passed over in silence (secret scanners). */
  skipsBinary?: boolean;
  /** Runs only with `--license-full` (license files and headers, as Trivy's full license scan). */
  licenseFull?: boolean;
  /** Trivy's parser package for the same format (`nodejs/npm`), whose test fixtures the conformance tests compare with. */
  trivyParser?: string;
  /**
   * Reads, before `analyze`, the files other than siblings that the analysis needs: a Maven parent
   * POM at its relative path, the Directory.Packages.props of a folder above. What it reads
   * through `read` reaches `analyze` as `input.related`.
   */
  gather?(input: AnalyzerInput, read: RelatedReader): Promise<void>;
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
  /** Fixed versions that apply to the installed version, lowest first: what a bump goes by. */
  fixedVersions: string[];
  /** Every fixed version the advisory names for the package, in its order: Trivy's FixedVersion. */
  advisoryFixedVersions: string[];
  status: 'fixed' | 'affected';
  severity: Severity;
  /** Where the severity came from: `cvss_v3`, `cvss_v4`, `ghsa`, or `none`. */
  severitySource: string;
  /**
   * Set when the advisory has no severity of its own and took it from another record of the same
   * CVE (any ecosystem): that record's ID. `severitySource` is then that record's source.
   */
  severityFrom?: string;
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

export type FindingKind = 'misconfiguration' | 'secret' | 'license';

/** A check of one of the rule tables (misconfiguration, secret, license). Messages come from here. */
export interface Rule {
  /** Stable ID, Trivy's where one exists, e.g. `DS002`, `aws-access-key-id`. */
  id: string;
  kind: FindingKind;
  title: string;
  severity: Severity;
  /** Where the rule is explained. */
  url?: string;
  /** What to do about a finding, in one sentence. */
  remediation?: string;
  /** Secrets: Trivy's category, e.g. `AWS`. Licenses: the license category, e.g. `restricted`. */
  category?: string;
  /** Trivy's other names for the rule (AVD ID, legacy ID, short name), matched by ignores and settings. */
  aliases?: readonly string[];
}

/**
 * A finding that is not a package vulnerability: a misconfiguration, a secret or a license. It
 * refers to its rule for the title, URL and remediation; the report writers and the editor handle
 * every kind the same way.
 */
export interface Finding {
  kind: FindingKind;
  rule: Rule;
  /** The rule's severity unless a setting overrode it. */
  severity: Severity;
  /** What is wrong here, in one or two sentences. Never quotes a secret. */
  message: string;
  location: SourceRange;
  /** `vigil:ignore:ID` comments next to the finding, where the format has comments. */
  inlineIgnores?: InlineIgnore[];
  /** An edit that resolves the finding, offered as a quick-fix. */
  fix?: import('./fixes/edits').EngineFix;
  /** Misconfigurations: Trivy's CauseMetadata (the resource, provider and service at fault). */
  cause?: { resource?: string; provider?: string; service?: string };
  /** Secrets: the matched line with the secret masked. */
  match?: string;
  /**
   * Licenses: the license (an SPDX expression, or the declared text verbatim when `spdx` is
   * false), the package it belongs to, the classifier's confidence and a link to the license.
   */
  license?: { name: string; spdx?: boolean; pkgName?: string; confidence?: number; link?: string };
}

export interface MisconfSummary {
  successes: number;
  failures: number;
}

/** Trivy's Result.Class. */
export type ResultClass = 'lang-pkgs' | 'os-pkgs' | 'config' | 'secret' | 'license' | 'license-file';

/** Everything one class of analyzer found in one file: Trivy's `types.Result`. */
export interface FileResult {
  /** Path relative to the scan root. */
  target: string;
  class: ResultClass;
  /** Trivy's Result.Type, e.g. `npm`, `pip`. */
  type: string;
  packages: Package[];
  vulnerabilities: DetectedVulnerability[];
  misconfigurations: Finding[];
  misconfSummary?: MisconfSummary;
  secrets: Finding[];
  licenses: Finding[];
  /** Per vulnerable package id: the bump that fixes it and the path that pulls it in (set by the detector). */
  plans?: Record<string, import('./fixes/plan').PackagePlan>;
  /** The project the packages belong to, where the file names it (go.mod's module): the graph's root. */
  project?: ProjectInfo;
  /** Vulnerabilities a VEX document or an ignore file left out, with why: Trivy's ModifiedFindings. */
  suppressed?: SuppressedFinding[];
}

/** A vulnerability left out of the report, and who said so. */
export interface SuppressedFinding {
  finding: DetectedVulnerability;
  /** `not_affected` and `fixed` come from VEX statements, `ignored` from ignore files. */
  status: 'not_affected' | 'fixed' | 'ignored';
  /** The VEX justification or impact statement, or the ignore entry's statement. */
  statement: string;
  /** The VEX document or ignore file, as given. */
  source: string;
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
  /** Per analyzed file, the other files its analysis read beyond its siblings (`FileScan.reads`). */
  reads?: Record<string, string[]>;
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
  /**
   * The records, in any ecosystem, that name this CVE (as ID or alias) and have a severity of their
   * own, in ID order: where an advisory without a severity takes one. Optional: a lookup without it
   * leaves such advisories UNKNOWN.
   */
  severitiesOfCve?(cve: string): CveSeverity[];
}

/** The severity one record gives a CVE. */
export interface CveSeverity {
  /** The record's ID. */
  id: string;
  severity: Severity;
  /** `cvss_v3`, `cvss_v4` or `ghsa`. */
  severitySource: string;
  cvss: Record<string, CvssScore>;
}
