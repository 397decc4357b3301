// Engine results -> LSP diagnostics, hovers and view entries. Pure functions: no connection, no I/O.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { analyzerOfType } from '../engine/analyzers';
import { listManifestDependencies, packageJsonManifest } from '../engine/fixes/packageJson';
import type { ManifestFormat } from '../engine/fixes/manifests';
import { normalizePackageName } from '../engine/ecosystems';
import type { BumpPlan, PackagePlan } from '../engine/fixes/plan';
import type { EngineFix } from '../engine/fixes/edits';
import { severityRank, type DetectedVulnerability, type Ecosystem, type FileError, type FileResult, type Finding, type Package, type Severity, type SourceRange } from '../engine/types';
import { SEVERITY_LABELS, type FindingSummary } from './protocol';
import { LineIndex } from '../engine/text';
import { emptyResult } from '../engine/scan';
import semver from 'semver';

export const SOURCE = 'vigil';
export const PARSE_ERROR_CODE = 'VIGIL-PARSE-ERROR';

export type { BumpPlan } from '../engine/fixes/plan';

/** `data` of a vulnerability diagnostic in a lockfile or requirements file. */
export interface VulnerabilityData {
  type: 'vulnerability';
  id: string;
  ecosystem: Ecosystem;
  pkgName: string;
  pkgId: string;
  /** The package's purl: the product of an OpenVEX statement that ignores the finding. */
  purl?: string;
  installedVersion: string;
  direct: boolean;
  /** The analyzed file (relative to its workspace folder) and its Trivy type (`npm`, `pip`, ...). */
  target: string;
  fileType: string;
  /** The lowest version of this package that fixes all of its findings in this file. */
  bump?: BumpPlan;
  /** Names of the direct dependencies that pull this package in (empty when it is direct). */
  directDependencies: string[];
  /** The whole entry of the copy this diagnostic underlines: code actions answer anywhere on it. */
  entry: Range;
}

/** `data` of a manifest line summarising what a direct dependency brings in. */
export interface DependencyData {
  type: 'dependency';
  dependency: string;
  /** The lockfile the findings come from, relative to the workspace folder, and its type. */
  lockfile: string;
  fileType: string;
  ids: string[];
  /** Set when the dependency itself is vulnerable: its locked version and the bump that fixes it. */
  installedVersion?: string;
  bump?: BumpPlan;
  /** Vulnerable packages it pulls in, each with the lowest version fixing all of its findings. */
  transitive: { name: string; installedVersion: string; bump?: BumpPlan; ids: string[] }[];
}

/** `data` of a misconfiguration, secret or license diagnostic: the engine's own fix, if it has one. */
export interface FindingData {
  type: 'finding';
  kind: Finding['kind'];
  ruleId: string;
  /** The analyzed file, relative to its workspace folder; the fix's file names are relative to the same root. */
  target: string;
  /** The result's Trivy type, e.g. `dockerfile`: which analyzer found it. */
  fileType: string;
  /** Offsets into the texts the engine analyzed. */
  fix?: EngineFix;
}

export interface ErrorData {
  type: 'error';
}

export type VigilDiagnosticData = VulnerabilityData | DependencyData | FindingData | ErrorData;

/** The advisories and findings behind a span of a file, for hovers. */
export interface HoverEntry {
  range: Range;
  vulnerabilities: DetectedVulnerability[];
  /** Dependency path per package id, direct dependency first. */
  paths: Record<string, string[]>;
  /** In a workspace lockfile: per package id, the folders of the projects that pull it in (`''` the root). */
  members?: Record<string, string[]>;
  /** Misconfigurations, secrets and licenses on the span. */
  findings?: Finding[];
}

/** Everything the server publishes for one file. `findings[i]` describes `diagnostics[i]`. */
export interface FileView {
  diagnostics: Diagnostic[];
  findings: FindingSummary[];
  hovers: HoverEntry[];
}

export function emptyView(): FileView {
  return { diagnostics: [], findings: [], hovers: [] };
}

/** Engine ranges are 1-based with an exclusive end column; LSP's are 0-based, end exclusive. */
export function toLspRange(location: SourceRange): Range {
  return {
    start: { line: Math.max(0, location.startLine - 1), character: Math.max(0, location.startColumn - 1) },
    end: { line: Math.max(0, location.endLine - 1), character: Math.max(0, location.endColumn - 1) },
  };
}

const FIRST_LINE: Range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };

function worst(severities: Severity[]): Severity {
  return severities.reduce<Severity>((a, b) => (severityRank(b) > severityRank(a) ? b : a), 'UNKNOWN');
}

function withUrl(diagnostic: Diagnostic, url: string | undefined): Diagnostic {
  if (url && /^https?:\/\//.test(url)) diagnostic.codeDescription = { href: url };
  return diagnostic;
}

/** The one diagnostic a file gets when the analyzer could not read it. */
export function errorView(error: FileError): FileView {
  const message = `Vigil could not analyze this file: ${error.message}`;
  return {
    diagnostics: [{ range: FIRST_LINE, severity: DiagnosticSeverity.Error, source: SOURCE, code: PARSE_ERROR_CODE, message, data: { type: 'error' } satisfies ErrorData }],
    findings: [{ type: 'error', id: PARSE_ERROR_CODE, severity: 'UNKNOWN', message, line: 0, character: 0 }],
    hovers: [],
  };
}

/**
 * The places a vulnerable package is marked in the file `target`: each copy, or its one location.
 * A copy in another file (a requirement pinned in a file that `-r` includes) is not marked here;
 * a package with no copy here is marked on the first line, naming the file that pins it.
 */
function copiesOf(pkg: Package | undefined, vuln: DetectedVulnerability, target: string): { key: string; location?: SourceRange; highlight?: SourceRange; direct: boolean; dev: boolean; elsewhere?: string }[] {
  const location = vuln.location ?? pkg?.location;
  const copies = pkg?.copies?.length ? pkg.copies : [{ key: vuln.pkgId, location, highlight: location, direct: vuln.direct, dev: vuln.dev }];
  const here = copies.filter(copy => !copy.location || copy.location.file === target);
  if (here.length > 0) return here;
  const [first] = copies;
  return [{ ...first, location: undefined, highlight: undefined, elsewhere: first.location!.file }];
}

/** The engine's plan for a package of a result (planned once, after detection). */
function planOf(result: FileResult, pkgId: string): PackagePlan {
  return result.plans?.[pkgId] ?? { directDependencies: [], pathFromDirect: [pkgId] };
}

/** How a severity reads to the user: UNKNOWN says plainly that nobody scored it, never passing for LOW. */
export function severityLabel(severity: Severity): string {
  return SEVERITY_LABELS[severity];
}

function fixText(vuln: DetectedVulnerability): string {
  return vuln.fixedVersions.length > 0 ? `fixed in ${vuln.fixedVersions.join(', ')}` : 'no fix yet';
}

/** One level down (an error becomes a warning): a development dependency never ships, so it ranks below the same finding in production. */
function lowerPriority(severity: DiagnosticSeverity): DiagnosticSeverity {
  return Math.min(severity + 1, DiagnosticSeverity.Hint) as DiagnosticSeverity;
}

/** Diagnostics, view entries and hovers for one analyzed file: its vulnerabilities, then its other findings. */
export function resultView(result: FileResult, severityMap: Record<Severity, DiagnosticSeverity>): FileView {
  const view = emptyView();
  const packages = new Map(result.packages.map(p => [p.id, p]));
  const hoverByRange = new Map<string, HoverEntry>();

  const vulns = [...result.vulnerabilities].sort((a, b) =>
    (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0) || severityRank(b.severity) - severityRank(a.severity));
  for (const vuln of vulns) {
    const pkg = packages.get(vuln.pkgId);
    const plan = planOf(result, vuln.pkgId);
    // Every copy of the package is marked: its key underlined, its own dev status and path.
    copiesOf(pkg, vuln, result.target).forEach((copy, index) => {
      const range = copy.highlight ? toLspRange(copy.highlight) : FIRST_LINE;
      const entryRange = copy.location ? toLspRange(copy.location) : range;
      const path = plan.copyPaths?.[copy.key] ?? plan.pathFromDirect;
      const via = !copy.direct && path.length > 1 ? ` (via ${path.slice(0, -1).join(' > ')})` : '';
      const dev = copy.dev ? ' (dev)' : '';
      const elsewhere = copy.elsewhere ? ` (pinned in ${copy.elsewhere})` : '';
      const message = `${vuln.pkgName}@${vuln.installedVersion}${dev}: ${vuln.vulnerabilityId} ${vuln.title || ''}`.trimEnd() + ` [${severityLabel(vuln.severity)}, ${fixText(vuln)}]${via}${elsewhere}`;
      const data: VulnerabilityData = {
        type: 'vulnerability', id: vuln.vulnerabilityId, ecosystem: pkg?.ecosystem ?? analyzerOfType(result.type)!.ecosystem!,
        pkgName: vuln.pkgName, pkgId: vuln.pkgId, purl: vuln.purl, installedVersion: vuln.installedVersion, direct: vuln.direct,
        target: result.target, fileType: result.type, bump: plan.bump, directDependencies: plan.directDependencies, entry: entryRange,
      };
      const severity = copy.dev ? lowerPriority(severityMap[vuln.severity]) : severityMap[vuln.severity];
      view.diagnostics.push(withUrl({ range, severity, source: SOURCE, code: vuln.vulnerabilityId, message, data }, vuln.primaryUrl));
      view.findings.push({
        type: 'vulnerability', id: vuln.vulnerabilityId, severity: vuln.severity, message,
        line: range.start.line, character: range.start.character,
        pkgName: vuln.pkgName, installedVersion: vuln.installedVersion, fixedVersion: vuln.fixedVersions[0],
        ...(index > 0 ? { copy: index } : {}),
      });
      // Hovers answer on the whole entry.
      const key = JSON.stringify(entryRange);
      const entry = hoverByRange.get(key) ?? { range: entryRange, vulnerabilities: [], paths: {} };
      entry.vulnerabilities.push(vuln);
      entry.paths[vuln.pkgId] = path;
      if (pkg?.members) (entry.members ??= {})[vuln.pkgId] = pkg.members;
      hoverByRange.set(key, entry);
    });
  }
  const findings = [...result.misconfigurations, ...result.secrets, ...result.licenses].sort((a, b) =>
    a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn || severityRank(b.severity) - severityRank(a.severity));
  for (const finding of findings) {
    const range = toLspRange(finding.location);
    const { rule } = finding;
    const message = `${rule.id} ${rule.title}: ${finding.message} [${finding.severity}]`;
    const data: FindingData = { type: 'finding', kind: finding.kind, ruleId: rule.id, target: result.target, fileType: result.type, ...(finding.fix ? { fix: finding.fix } : {}) };
    view.diagnostics.push(withUrl({ range, severity: severityMap[finding.severity], source: SOURCE, code: rule.id, message, data }, rule.url));
    view.findings.push({ type: finding.kind, id: rule.id, severity: finding.severity, message, line: range.start.line, character: range.start.character });
    const key = JSON.stringify(range);
    const entry = hoverByRange.get(key) ?? { range, vulnerabilities: [], paths: {} };
    (entry.findings ??= []).push(finding);
    hoverByRange.set(key, entry);
  }
  view.hovers = [...hoverByRange.values()];
  return view;
}

/**
 * Diagnostics on a manifest (package.json, Cargo.toml, ...) for the findings of its lockfile: one
 * per direct dependency that is vulnerable or pulls in something vulnerable, on the line that
 * declares it, e.g. `express@4.16.0 pulls in qs@6.5.1: CVE-2022-24999`.
 */
export function manifestView(
  manifestText: string, lock: FileResult, severityMap: Record<Severity, DiagnosticSeverity>, format: ManifestFormat = packageJsonManifest,
): FileView {
  const view = emptyView();
  if (lock.vulnerabilities.length === 0) return view;
  const key = (name: string) => normalizePackageName(format.ecosystem, name);
  const byDirect = new Map<string, DetectedVulnerability[]>();
  for (const vuln of lock.vulnerabilities) {
    const ancestors = vuln.direct ? [vuln.pkgName] : planOf(lock, vuln.pkgId).directDependencies;
    for (const direct of ancestors) {
      const list = byDirect.get(key(direct)) ?? [];
      list.push(vuln);
      byDirect.set(key(direct), list);
    }
  }
  const lines = new LineIndex(manifestText);
  for (const dependency of format.list(manifestText)) {
    const vulns = byDirect.get(key(dependency.name));
    if (!vulns) continue;
    byDirect.delete(key(dependency.name));
    const own = vulns.filter(v => v.direct && key(v.pkgName) === key(dependency.name));
    const pulled = vulns.filter(v => !own.includes(v));
    const transitive = groupByPackage(pulled).map(([pkgId, list]) => ({
      name: list[0].pkgName, installedVersion: list[0].installedVersion, bump: planOf(lock, pkgId).bump, ids: list.map(v => v.vulnerabilityId),
    }));
    const parts: string[] = [];
    // After a bump is saved and before `npm install`, package.json asks for more than the lockfile has.
    const stale = format === packageJsonManifest && own.length > 0 && lockfileBehind(dependency.spec, own[0].installedVersion);
    if (stale) parts.push(`package.json asks for ${dependency.spec}, ${lock.target} still has ${own[0].installedVersion}: run npm install`);
    if (own.length > 0) parts.push(`${own[0].pkgName}@${own[0].installedVersion}: ${own.map(v => v.vulnerabilityId).join(', ')}`);
    if (transitive.length > 0) parts.push(`pulls in ${transitive.map(t => `${t.name}@${t.installedVersion}: ${t.ids.join(', ')}`).join('; ')}`);
    const severity = worst(vulns.map(v => v.severity));
    const lead = [...vulns].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0];
    const range: Range = { start: lines.position(dependency.offset), end: lines.position(dependency.offset + dependency.length) };
    const message = `${parts.join('; ')} [${vulns.length} finding${vulns.length === 1 ? '' : 's'}, ${severity === 'UNKNOWN' ? severityLabel(severity) : `worst ${severity}`}]`;
    const data: DependencyData = {
      type: 'dependency', dependency: dependency.name, lockfile: lock.target, fileType: lock.type,
      ids: [...new Set(vulns.map(v => v.vulnerabilityId))], installedVersion: own[0]?.installedVersion, bump: own.length > 0 && !stale ? planOf(lock, own[0].pkgId).bump : undefined, transitive,
    };
    view.diagnostics.push(withUrl({ range, severity: severityMap[severity], source: SOURCE, code: lead.vulnerabilityId, message, data }, lead.primaryUrl));
    view.findings.push({ type: 'dependency', id: lead.vulnerabilityId, severity, message, line: range.start.line, character: range.start.character, pkgName: dependency.name });
    const paths: Record<string, string[]> = {};
    for (const vuln of vulns) paths[vuln.pkgId] = planOf(lock, vuln.pkgId).pathFromDirect;
    view.hovers.push({ range, vulnerabilities: vulns, paths });
  }
  return view;
}

/** True when a semver range in package.json excludes the version the lockfile installs. */
function lockfileBehind(spec: string, installed: string): boolean {
  const range = semver.validRange(spec);
  return range !== null && semver.valid(installed) !== null && !semver.satisfies(installed, range);
}

function groupByPackage(vulns: DetectedVulnerability[]): [string, DetectedVulnerability[]][] {
  const groups = new Map<string, DetectedVulnerability[]>();
  for (const vuln of vulns) groups.set(vuln.pkgId, [...(groups.get(vuln.pkgId) ?? []), vuln]);
  return [...groups];
}

/**
 * Diagnostics on a package.json for the licenses of its installed direct dependencies (read from
 * `node_modules/NAME/package.json`), each on the line that declares the dependency.
 * `licensesOf` gives the license findings of one dependency by name, after filtering.
 */
export function manifestLicenseView(
  manifestText: string, manifestFile: string, licensesOf: (name: string) => Finding[], severityMap: Record<Severity, DiagnosticSeverity>,
): FileView {
  const lines = new LineIndex(manifestText, manifestFile);
  const licenses: Finding[] = [];
  for (const dependency of listManifestDependencies(manifestText)) {
    const location = lines.range(dependency.offset, dependency.offset + dependency.length);
    for (const finding of licensesOf(dependency.name)) licenses.push({ ...finding, location });
  }
  if (licenses.length === 0) return emptyView();
  return resultView({ ...emptyResult(manifestFile, 'license', 'node-pkg'), licenses }, severityMap);
}

/** Concatenates views of one file (e.g. its own findings and a manifest summary). */
export function mergeViews(...views: FileView[]): FileView {
  return {
    diagnostics: views.flatMap(v => v.diagnostics),
    findings: views.flatMap(v => v.findings),
    hovers: views.flatMap(v => v.hovers),
  };
}
