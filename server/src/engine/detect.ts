// The vulnerability detector: matches analyzed packages against the advisory DB.
import { cvssSourceKey } from './db/severity';
import type { IgnorableFinding } from './ignore';
import {
  severityRank, type AdvisoryLookup, type CveSeverity, type DetectedVulnerability, type FileResult, type Finding, type Package, type Severity, type StoredAdvisory,
  type SuppressedFinding,
} from './types';
import { suppressedByVex, VexGraph, type VexPolicy } from './vex';
import { isInlineIgnored } from './inline-ignore';
import type { OsvRecord } from './osv';
import { matchAdvisory, type AdvisoryMatch } from './match/affected';
import { compareVersions } from './versions';
import { compareStrings } from './text';

/** Filters applied to findings after matching; all optional. */
export interface FindingFilter {
  severities?: Severity[];
  ignoreUnfixed?: boolean;
  isIgnored?: (finding: IgnorableFinding) => boolean;
  /** Rules switched off, by ID or any alias (misconfiguration checks, secret and license rules). */
  disabledRules?: readonly string[];
  /** A severity per rule ID or alias, in place of the rule's own; applied before `severities`. */
  ruleSeverities?: Readonly<Record<string, Severity>>;
  /** The ignore file entry that leaves a finding out, to list it as suppressed (`--show-suppressed`). */
  ignoredBy?: (finding: IgnorableFinding) => { source: string; statement?: string } | undefined;
  /** VEX documents: vulnerabilities they mark not_affected or fixed are dropped. */
  vex?: VexPolicy;
}

/** The ID a finding is reported under: the CVE when the advisory has one, as Trivy does. */
export function preferredId(osvId: string, aliases: readonly string[]): string {
  if (osvId.startsWith('CVE-')) return osvId;
  return aliases.find(a => a.startsWith('CVE-')) ?? osvId;
}

/** The longest title a finding gets; longer ones are cut at a word boundary. */
export const MAX_TITLE_LENGTH = 200;

/** Words whose trailing period does not end a sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf', 'approx', 'incl', 'no', 'ver']);

/** `text` on one line: every run of whitespace (newlines included) becomes one space. */
function oneLine(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

/** The paragraphs of a text (separated by blank lines), each on one line, empty ones left out. */
function paragraphs(text: string): string[] {
  const found: string[] = [];
  let lines: string[] = [];
  for (const line of [...text.split('\n'), '']) {
    if (line.trim() !== '') {
      lines.push(line);
    } else if (lines.length) {
      found.push(oneLine(lines.join(' ')));
      lines = [];
    }
  }
  return found;
}

function trimStart(text: string, characters: string): string {
  let start = 0;
  while (start < text.length && characters.includes(text[start])) start++;
  return text.slice(start);
}

function trimEnd(text: string, characters: string): string {
  let end = text.length;
  while (end > 0 && characters.includes(text[end - 1])) end--;
  return text.slice(0, end);
}

/**
 * The first sentence of a description: its first paragraph that is not a Markdown heading, up to the
 * first `.`, `!` or `?` that is followed by a space and a word not in lower case, after a word that is
 * not an abbreviation ("e.g.", "etc."). A linear scan: descriptions come from advisory feeds.
 */
export function firstSentence(details: string): string {
  const paragraph = paragraphs(details).find(p => !p.startsWith('#')) ?? '';
  let wordStart = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const char = paragraph[i];
    if (char === ' ') wordStart = i + 1;
    if (char !== '.' && char !== '!' && char !== '?') continue;
    if (i + 1 < paragraph.length && paragraph[i + 1] !== ' ') continue;
    const next = paragraph[i + 2];
    if (next !== undefined && next !== next.toUpperCase()) continue;
    if (char === '.' && ABBREVIATIONS.has(trimStart(paragraph.slice(wordStart, i), '([').toLowerCase())) continue;
    return paragraph.slice(0, i + 1);
  }
  return paragraph;
}

/** `text` cut to MAX_TITLE_LENGTH at the last word boundary that fits, with `…` after it. */
function shorten(text: string): string {
  if (text.length <= MAX_TITLE_LENGTH) return text;
  const space = text.lastIndexOf(' ', MAX_TITLE_LENGTH - 1);
  // One giant word: there is no boundary to cut at.
  const cut = space > 0 ? space : MAX_TITLE_LENGTH - 1;
  return trimEnd(text.slice(0, cut), ' ,;:') + '…';
}

/** A finding's title: the record's summary, else the first sentence of its details; never cut mid-word. */
export function titleOf(osv: Pick<OsvRecord, 'summary' | 'details'>): string {
  const summary = oneLine(osv.summary ?? '');
  return shorten(summary || firstSentence(osv.details ?? ''));
}

function toFinding(pkg: Package, advisory: StoredAdvisory, { fixedVersions, advisoryFixedVersions }: AdvisoryMatch): DetectedVulnerability {
  // A looked-up `osv` may hold only the match fields: the descriptive ones come from the whole record.
  const osv = advisory.full?.() ?? advisory.osv;
  const allIds = [osv.id, ...(osv.aliases ?? [])];
  const id = preferredId(osv.id, osv.aliases ?? []);
  const cweIds = osv.database_specific?.cwe_ids;
  return {
    vulnerabilityId: id,
    aliases: allIds.filter(a => a !== id),
    pkgId: pkg.id,
    pkgName: pkg.name,
    purl: pkg.purl,
    installedVersion: pkg.version,
    fixedVersions,
    advisoryFixedVersions,
    status: fixedVersions.length ? 'fixed' : 'affected',
    severity: advisory.severity,
    severitySource: advisory.severitySource,
    title: titleOf(osv),
    description: osv.details ?? '',
    references: (osv.references ?? []).map(r => r.url),
    primaryUrl: `https://osv.dev/vulnerability/${osv.id}`,
    cvss: advisory.cvss,
    cweIds: Array.isArray(cweIds) && cweIds.length ? cweIds.map(String) : undefined,
    publishedDate: osv.published,
    lastModifiedDate: osv.modified,
    dataSourceId: osv.id,
    location: pkg.location,
    direct: pkg.direct,
    dev: pkg.dev,
  };
}

/** Two records for the same package and ID (a GHSA and a PYSEC for one CVE): keep one, merge the rest. */
function merge(kept: DetectedVulnerability, other: DetectedVulnerability, ecosystem: Package['ecosystem']) {
  for (const alias of [other.dataSourceId, ...other.aliases]) {
    if (alias !== kept.vulnerabilityId && !kept.aliases.includes(alias)) kept.aliases.push(alias);
  }
  const fixed = new Set([...kept.fixedVersions, ...other.fixedVersions]);
  kept.fixedVersions = [...fixed].sort((a, b) => compareVersions(ecosystem, a, b));
  kept.advisoryFixedVersions = [...new Set([...kept.advisoryFixedVersions, ...other.advisoryFixedVersions])];
  kept.status = kept.fixedVersions.length ? 'fixed' : 'affected';
  if (kept.severity === 'UNKNOWN' && other.severity !== 'UNKNOWN') {
    kept.severity = other.severity;
    kept.severitySource = other.severitySource;
  }
  kept.cvss = { ...other.cvss, ...kept.cvss };
  for (const ref of other.references) if (!kept.references.includes(ref)) kept.references.push(ref);
}

/** What a finding of a malicious package says first: the package is malware, there is nothing to upgrade to. */
export const MALICIOUS_TITLE = 'malicious package: remove it';

/** Whether the finding comes from a `MAL-` record (OpenSSF's malicious packages): the package itself is malware. */
export function isMalicious(finding: Pick<DetectedVulnerability, 'dataSourceId' | 'vulnerabilityId' | 'aliases'>): boolean {
  return [finding.dataSourceId, finding.vulnerabilityId, ...finding.aliases].some(id => id.startsWith('MAL-'));
}

/** A malicious package is the worst thing a lockfile can hold: CRITICAL, whatever the record scores, with its own wording. */
/** Worst first: a malicious package before anything else, then by severity. For lists people read. */
export function compareUrgency(
  a: Pick<DetectedVulnerability, 'dataSourceId' | 'vulnerabilityId' | 'aliases' | 'severity'>,
  b: Pick<DetectedVulnerability, 'dataSourceId' | 'vulnerabilityId' | 'aliases' | 'severity'>,
): number {
  return Number(isMalicious(b)) - Number(isMalicious(a)) || severityRank(b.severity) - severityRank(a.severity);
}

function markMalicious(finding: DetectedVulnerability): void {
  if (!isMalicious(finding)) return;
  finding.severity = 'CRITICAL';
  if (!finding.title.startsWith(MALICIOUS_TITLE)) finding.title = finding.title ? `${MALICIOUS_TITLE} (${finding.title})` : MALICIOUS_TITLE;
}

/** Every vulnerability of one package: one finding per vulnerability ID. */
export function detectPackage(pkg: Package, db: AdvisoryLookup): DetectedVulnerability[] {
  const byId = new Map<string, DetectedVulnerability>();
  for (const advisory of db.lookup(pkg.ecosystem, pkg.name)) {
    const match = matchAdvisory(advisory.osv, pkg.ecosystem, pkg.name, pkg.version);
    if (!match) continue;
    const finding = toFinding(pkg, advisory, match);
    const existing = byId.get(finding.vulnerabilityId);
    if (existing) merge(existing, finding, pkg.ecosystem);
    else byId.set(finding.vulnerabilityId, finding);
  }
  for (const finding of byId.values()) {
    markMalicious(finding);
    if (finding.severity === 'UNKNOWN' && db.severitiesOfCve) takeSeverityOfCve(finding, db.severitiesOfCve.bind(db));
  }
  return [...byId.values()];
}

/** The CVE IDs a finding goes by: its ID, its record's and its aliases. */
function cvesOf(finding: DetectedVulnerability): Set<string> {
  return new Set([finding.vulnerabilityId, finding.dataSourceId, ...finding.aliases].filter(id => id.startsWith('CVE-')));
}

/** Which source of another record's severity to believe first: a scored vector, then GHSA's word. */
const SOURCE_PREFERENCE = ['cvss_v3', 'cvss_v4', 'ghsa'];

/**
 * An advisory with no severity of its own (a PYSEC record often has none) takes the one another
 * record of the same CVE gives, in any ecosystem: a CVSS v3 score first, then v4, then GHSA's word;
 * between records of the same kind, the worst severity (then the first ID). Mutates `finding`.
 */
function takeSeverityOfCve(finding: DetectedVulnerability, severitiesOfCve: (cve: string) => CveSeverity[]): void {
  const cves = cvesOf(finding);
  const preference = (source: string) => {
    const index = SOURCE_PREFERENCE.indexOf(source);
    return index < 0 ? SOURCE_PREFERENCE.length : index;
  };
  const candidates = [...cves].flatMap(cve => severitiesOfCve(cve)).sort((a, b) =>
    preference(a.severitySource) - preference(b.severitySource) || severityRank(b.severity) - severityRank(a.severity) || compareStrings(a.id, b.id));
  const best = candidates[0];
  if (!best) return;
  finding.severity = best.severity;
  finding.severitySource = best.severitySource;
  finding.severityFrom = best.id;
  finding.cvss = { ...best.cvss, ...finding.cvss };
}

function passesFilter(finding: DetectedVulnerability, file: string, filter: FindingFilter): boolean {
  if (filter.severities && !filter.severities.includes(finding.severity)) return false;
  if (filter.ignoreUnfixed && finding.status !== 'fixed') return false;
  if (filter.isIgnored?.({ id: finding.vulnerabilityId, aliases: finding.aliases, path: file, purl: finding.purl })) {
    return false;
  }
  return true;
}

/** A rule's ID and aliases, upper-cased, as settings and ignore files may spell them. */
function ruleNames(rule: Finding['rule']): string[] {
  return [rule.id, ...rule.aliases ?? []].map(name => name.toUpperCase());
}

/** Looks a rule up in a table keyed by rule ID or alias, in any case. */
function byRuleName<T>(table: Readonly<Record<string, T>> | undefined): (rule: Finding['rule']) => T | undefined {
  if (!table) return () => undefined;
  const upper = new Map(Object.entries(table).map(([name, value]) => [name.toUpperCase(), value]));
  return rule => ruleNames(rule).map(name => upper.get(name)).find(value => value !== undefined);
}

function findingPasses(finding: Finding, file: string, filter: FindingFilter): boolean {
  if (filter.severities && !filter.severities.includes(finding.severity)) return false;
  // A license is ignored by its name, as Trivy matches it (`GPL-3.0-only`), or by its category's rule.
  const ids = [...finding.license ? [finding.license.name] : [], finding.rule.id, ...finding.rule.aliases ?? []];
  if (filter.isIgnored?.({ id: ids[0], aliases: ids.slice(1), path: file, kind: finding.kind })) return false;
  return !isInlineIgnored(finding.inlineIgnores, ids);
}

/**
 * Drops what the filter and the inline ignore comments leave out, from every kind of finding of
 * one result. Mutates `result`.
 */
export function filterResult(result: FileResult, filter: FindingFilter): void {
  const inlineIgnores = new Map(result.packages.map(p => [p.id, p.inlineIgnores]));
  const suppressed: SuppressedFinding[] = [];
  let graph: VexGraph | undefined;
  result.vulnerabilities = result.vulnerabilities.filter(vuln => {
    // VEX first, then the ignore files, as Trivy applies them; both are listed as suppressed.
    if (filter.vex) {
      const verdict = (graph ??= new VexGraph(result.packages, result.project)).suppression(vuln, filter.vex);
      if (verdict) {
        suppressed.push(suppressedByVex(vuln, verdict));
        return false;
      }
    }
    const entry = filter.ignoredBy?.({ id: vuln.vulnerabilityId, aliases: vuln.aliases, path: result.target, purl: vuln.purl });
    if (entry) {
      suppressed.push({ finding: vuln, status: 'ignored', statement: entry.statement ?? '', source: entry.source });
      return false;
    }
    return passesFilter(vuln, result.target, filter)
      // A comment beside the package's entry (`# vigil:ignore:ID`) names the ID or any alias.
      && !isInlineIgnored(inlineIgnores.get(vuln.pkgId), [vuln.vulnerabilityId, ...vuln.aliases]);
  });
  if (suppressed.length > 0) result.suppressed = [...result.suppressed ?? [], ...suppressed];
  const disabled = byRuleName(Object.fromEntries((filter.disabledRules ?? []).map(name => [name, true])));
  const severityOf = byRuleName(filter.ruleSeverities);
  // A copy with the overridden severity: the analyzer's own finding keeps the rule's severity.
  const filtered = (findings: Finding[]) => findings
    .filter(finding => !disabled(finding.rule))
    .map(finding => ({ ...finding, severity: severityOf(finding.rule) ?? finding.severity }))
    .filter(finding => findingPasses(finding, result.target, filter));
  result.misconfigurations = filtered(result.misconfigurations);
  // As Trivy: failures left out by the filters count neither as failures nor as successes.
  if (result.misconfSummary) result.misconfSummary = { ...result.misconfSummary, failures: result.misconfigurations.length };
  result.secrets = filtered(result.secrets);
  result.licenses = filtered(result.licenses);
}

/** Malicious packages first; then Trivy's report order: by package name, installed version, worst severity first, then ID. */
export function sortFindings<T extends DetectedVulnerability>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) =>
    Number(isMalicious(b)) - Number(isMalicious(a))
    || compareStrings(a.pkgName, b.pkgName) || compareStrings(a.installedVersion, b.installedVersion)
    || severityRank(b.severity) - severityRank(a.severity)
    || compareStrings(a.vulnerabilityId, b.vulnerabilityId));
}

/**
 * `--vuln-severity-source`: each finding takes the rating of the first listed vendor that rates it
 * (`ubuntu`, `nvd`, `ghsa`, ... as the rating record's ID prefix names it: UBUNTU-CVE-..., CVE-...,
 * GHSA-...), found among its own record and the records of its CVEs; `auto` stands for Vigil's
 * own choice. Where no listed vendor rates it, the finding keeps Vigil's choice. Mutates `findings`.
 */
export function applySeveritySources(findings: DetectedVulnerability[], sources: readonly string[], severitiesOfCve: (cve: string) => CveSeverity[]): void {
  for (const finding of findings) {
    const own: CveSeverity[] = finding.severitySource !== 'none' && !finding.severityFrom
      ? [{ id: finding.dataSourceId, severity: finding.severity, severitySource: finding.severitySource, cvss: finding.cvss }]
      : [];
    const cves = cvesOf(finding);
    const ratings = [...own, ...[...cves].flatMap(cve => severitiesOfCve(cve))];
    for (const source of sources) {
      if (source === 'auto') break;
      const rating = ratings.find(candidate => cvssSourceKey(candidate.id) === source);
      if (!rating) continue;
      finding.severity = rating.severity;
      finding.severitySource = source;
      finding.severityFrom = rating.id === finding.dataSourceId ? undefined : rating.id;
      break;
    }
  }
}

/** Every vulnerability of a file's packages, in Trivy's report order. Filters come after (filterResult). */
export function detectPackages(packages: Package[], db: AdvisoryLookup): DetectedVulnerability[] {
  return sortFindings(packages.flatMap(pkg => detectPackage(pkg, db)));
}
