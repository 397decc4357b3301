// The scan pipeline: target -> walker -> analyzers -> detector -> filter -> ScanResult.
// Every analyzer that claims a file runs on it, reading it and its siblings through one file
// source. Analysis and detection are separate steps so a caller can learn which ecosystems a
// target uses (to fetch just those advisories) before it opens the DB; `completeScan` then
// detects, filters (severity, ignore files, inline ignores, for every kind) and plans fixes, once.
import { analyzersFor, ANALYZERS, availableScanners, nameMatches, plannedFormatOf } from './analyzers';
import { hasAdvisorySource } from './ecosystems';
import { BinaryContentError, compareStrings } from './text';
import { applySeveritySources, detectPackages, filterResult, type FindingFilter } from './detect';
import { planResult } from './fixes/plan';
import type { IgnorePolicy } from './ignore';
import type { VexPolicy } from './vex';
import { baseName, resolveRelative, siblingPath, type FileContent, type FileSource } from './source';
import type {
  Analyzer, AdvisoryLookup, RelatedReader, Ecosystem, FileError, FileResult, Finding, ResultClass, Scanner, ScanResult, Severity,
} from './types';
import { DEFAULT_MAX_FILE_SIZE, openDiskTarget, walk, type DiskTarget } from './walker';
import { applyLicensePolicy } from './licenses/findings';
import type { LicensePolicy } from './licenses/categories';

export interface ScanOptions {
  /** Default: ['vuln']. */
  scanners?: Scanner[];
  /** Needed to find vulnerabilities; without it a scan lists packages only. */
  db?: AdvisoryLookup;
  /** VEX documents (`--vex`): the vulnerabilities they mark not_affected or fixed are dropped. */
  vex?: VexPolicy;
  /** `--vuln-severity-source`: whose rating a vulnerability's severity is, in order of preference (see applySeveritySources). */
  severitySources?: string[];
  severities?: Severity[];
  ignoreUnfixed?: boolean;
  /** Rules switched off, by ID or alias. */
  disabledRules?: readonly string[];
  /** A severity per rule ID or alias, in place of the rule's own. */
  ruleSeverities?: Readonly<Record<string, Severity>>;
  /** Report development dependencies too. Default false, as in Trivy. */
  includeDevDeps?: boolean;
  ignore?: IgnorePolicy;
  skipDirs?: string[];
  skipFiles?: string[];
  maxFileSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** The analyzer registry to use. Default: ANALYZERS (tests add their own). */
  analyzers?: readonly Analyzer[];
  /** With the license scanner: also classify license files and headers (Trivy's --license-full). */
  licenseFull?: boolean;
  /** With the license scanner: forbidden and allowed IDs, overrides per package. */
  licensePolicy?: LicensePolicy;
}

const CLASS_BY_SCANNER: Record<Scanner, ResultClass> = {
  vuln: 'lang-pkgs', misconfig: 'config', secret: 'secret', license: 'license',
};

/** Trivy's class of an analyzer's results: license files have their own. */
function classOf(analyzer: Analyzer): ResultClass {
  return analyzer.licenseFull ? 'license-file' : CLASS_BY_SCANNER[analyzer.scanner];
}

/** Whether a root-relative path lies in an installed node_modules tree, which only the license scanner reads. */
function inNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

function enabledScanners(options: Pick<ScanOptions, 'scanners'>): Scanner[] {
  return options.scanners ?? ['vuln'];
}

type ClaimOptions = Pick<ScanOptions, 'scanners' | 'analyzers' | 'licenseFull'>;

/**
 * The analyzers that read this root-relative path, among those of enabled scanners. Inside
 * node_modules only the license scanner's package analyzers read (installed packages' metadata).
 */
function enabledAnalyzers(path: string, options: ClaimOptions): Analyzer[] {
  const scanners = enabledScanners(options);
  const installed = inNodeModules(path);
  return analyzersFor(path, options.analyzers ?? ANALYZERS).filter(analyzer => scanners.includes(analyzer.scanner)
    && (!analyzer.licenseFull || options.licenseFull === true)
    && (!installed || (analyzer.scanner === 'license' && !analyzer.licenseFull)));
}

/** True when some enabled analyzer reads this root-relative path. */
export function claimsFile(path: string, options: ClaimOptions = {}): boolean {
  return enabledAnalyzers(path, options).length > 0;
}

/** The finding filter a set of scan options asks for. */
export function findingFilter(options: ScanOptions): FindingFilter {
  const { ignore } = options;
  return {
    severities: options.severities,
    ignoreUnfixed: options.ignoreUnfixed,
    isIgnored: ignore ? finding => ignore.isIgnored(finding) : undefined,
    disabledRules: options.disabledRules,
    ruleSeverities: options.ruleSeverities,
    ignoredBy: ignore ? finding => {
      const entry = ignore.matchingEntry(finding);
      return entry && { source: entry.file, statement: entry.statement };
    } : undefined,
    vex: options.vex,
  };
}

export function emptyResult(target: string, resultClass: ResultClass, type: string): FileResult {
  return { target, class: resultClass, type, packages: [], vulnerabilities: [], misconfigurations: [], secrets: [], licenses: [] };
}

const FINDING_ARRAYS: Record<Finding['kind'], 'misconfigurations' | 'secrets' | 'licenses'> = {
  misconfiguration: 'misconfigurations', secret: 'secrets', license: 'licenses',
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What one file gave: a result per class of analyzer that found something, an error per analyzer
 * that failed, and the analyzers' notes (a file too large to search for secrets).
 */
export interface FileScan {
  results: FileResult[];
  errors: FileError[];
  /** What the analyzers said about the file that is not an error, each starting with the file's path. */
  notes?: string[];
  /** Root-relative paths an analyzer's `gather` asked for (found or not): an edit to one changes this analysis. */
  reads?: string[];
}

/** At most this many files read for one analysis beyond its siblings (a chain of parent POMs). */
export const MAX_RELATED_READS = 64;

/**
 * The reader an analyzer's `gather` reads other files of the source with: root-relative paths,
 * held to the root (a path that climbs out of it is refused before the source is asked), each
 * read once and size-checked, and no more than MAX_RELATED_READS of them; a folder listing counts
 * as a read.
 */
function relatedReader(source: FileSource, maxBytes: number, read: Map<string, string>, missing: Set<string>): RelatedReader {
  let reads = 0;
  const reader: RelatedReader = async (file: string) => {
    const normal = resolveRelative('', file);
    if (normal === undefined || normal !== file) return undefined;
    if (read.has(normal)) return read.get(normal);
    if (missing.has(normal) || reads >= MAX_RELATED_READS) return undefined;
    reads++;
    const text = await source.readText(normal, maxBytes).catch(() => undefined);
    if (text === undefined) missing.add(normal);
    else read.set(normal, text);
    return text;
  };
  reader.listFiles = async (dir: string) => {
    if (dir !== '' && resolveRelative('', dir) !== dir) return undefined;
    if (reads >= MAX_RELATED_READS) return undefined;
    reads++;
    // stat resolves links and refuses a folder whose real place is outside the root.
    if (dir !== '' && (await source.stat(dir).catch(() => undefined))?.kind !== 'directory') return undefined;
    const entries = await source.list(dir).catch(() => undefined);
    return entries?.filter(entry => entry.kind === 'file').map(entry => entry.name).sort(compareStrings);
  };
  return reader;
}

/**
 * Runs every enabled analyzer that claims `path` on it, reading the file once (text or bytes, as
 * each asks) and the siblings they declare. One analyzer's failure does not stop the others.
 */
export async function analyzeFile(source: FileSource, path: string, options: ScanOptions = {}): Promise<FileScan> {
  const analyzers = enabledAnalyzers(path, options);
  const scan: FileScan = { results: [], errors: [], notes: [] };
  if (analyzers.length === 0) return scan;
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // Read once, for the analyzers of its text and of its bytes alike; the source refuses a file
  // over the limit before reading it, and decodes its text (or makes its bytes) on first use.
  let file: Promise<FileContent> | undefined;
  let readError: unknown;
  const failed = (error: unknown): never => {
    readError = error;
    throw error;
  };
  const readFile = () => (file ??= source.readFile(path, limit).catch(failed));
  const readText = async () => {
    const content = await readFile();
    try {
      return content.text();
    } catch (error) {
      return failed(error);
    }
  };
  const readBytes = async () => (await readFile()).bytes();
  const byClass = new Map<string, FileResult>();
  for (const analyzer of analyzers) {
    try {
      let content = '';
      if (analyzer.reads !== 'bytes') {
        try {
          content = await readText();
        } catch (error) {
          if (analyzer.skipsBinary && error instanceof BinaryContentError) continue;
          throw error;
        }
      }
      const siblings = await readSiblings(source, path, analyzer.siblings ?? [], limit);
      const input = { path, content, bytes: analyzer.reads === 'bytes' ? await readBytes() : undefined, siblings };
      const related = new Map<string, string>();
      const missing = new Set<string>();
      if (analyzer.gather) await analyzer.gather(input, relatedReader(source, limit, related, missing));
      if (related.size + missing.size > 0) (scan.reads ??= []).push(...related.keys(), ...missing);
      const output = analyzer.analyze({ ...input, related });
      const packages = options.includeDevDeps ? output.packages : output.packages.filter(p => !p.dev);
      const notes = [...output.notes ?? []];
      const unchecked = new Set(packages.map(p => p.ecosystem).filter(ecosystem => !hasAdvisorySource(ecosystem)));
      for (const ecosystem of unchecked) {
        notes.push(`no advisory source covers ${ecosystem} packages, so they are listed but were not checked for vulnerabilities`);
      }
      if (notes.length > 0) (scan.notes ??= []).push(...notes.map(note => `${path}: ${note}`));
      // A file that gave an analyzer nothing gets no result from it (a secret scanner's clean file).
      if (output.packages.length === 0 && !output.findings?.length && !output.misconfSummary) continue;
      const resultClass = classOf(analyzer);
      const key = `${resultClass}\0${analyzer.type}`;
      let result = byClass.get(key);
      if (!result) byClass.set(key, (result = emptyResult(path, resultClass, analyzer.type)));
      result.packages.push(...packages);
      for (const finding of output.findings ?? []) result[FINDING_ARRAYS[finding.kind]].push(finding);
      if (output.misconfSummary) result.misconfSummary = output.misconfSummary;
      if (output.project) result.project = output.project;
    } catch (error) {
      scan.errors.push({ file: path, message: errorMessage(error) });
      // The file could not be read: the other analyzers would only say the same.
      if (error === readError) break;
    }
  }
  scan.results = [...byClass.values()];
  return scan;
}

/** At most this many files, of at most this many characters in all, are read for the sibling patterns of one file. */
export const SIBLING_PATTERN_LIMITS = { files: 200, characters: 8 * 2 ** 20 };

/**
 * The text of each sibling an analyzer declares, by file name: an exact name is read if it is
 * there; a pattern (`*.tf`) reads every other file of the folder that fits it, in name order, up
 * to SIBLING_PATTERN_LIMITS. A sibling that cannot be read is left out.
 */
async function readSiblings(source: FileSource, path: string, names: readonly string[], limit: number): Promise<Map<string, string>> {
  const siblings = new Map<string, string>();
  const patterns = names.filter(name => name.includes('*'));
  for (const name of names) {
    if (name.includes('*')) continue;
    const sibling = await source.readText(siblingPath(path, name), limit).catch(() => undefined);
    if (sibling !== undefined) siblings.set(name, sibling);
  }
  if (patterns.length === 0) return siblings;
  const own = baseName(path);
  const dir = path.slice(0, path.length - own.length).replace(/\/$/, '');
  const entries = await source.list(dir).catch(() => []);
  const matching = entries
    .filter(entry => entry.kind === 'file' && entry.name !== own && !siblings.has(entry.name) && patterns.some(pattern => nameMatches(pattern, entry.name)))
    .map(entry => entry.name)
    .sort(compareStrings)
    .slice(0, SIBLING_PATTERN_LIMITS.files);
  let characters = 0;
  for (const name of matching) {
    const sibling = await source.readText(siblingPath(path, name), limit).catch(() => undefined);
    if (sibling === undefined) continue;
    characters += sibling.length;
    if (characters > SIBLING_PATTERN_LIMITS.characters) break;
    siblings.set(name, sibling);
  }
  return siblings;
}

/** A folder or file on disk (the path as the user gave it), or any file source to walk whole. */
export type ScanTarget = string | DiskTarget;

/** Walks a target and analyzes what the analyzers claim. No DB needed. */
export async function analyzePath(target: ScanTarget, options: ScanOptions = {}): Promise<ScanResult> {
  const scan: ScanResult = { target: typeof target === 'string' ? target : target.source.root, results: [], errors: [], notes: [] };
  const disk = typeof target === 'string' ? await openDiskTarget(target) : target;
  const files: string[] = [];
  const planned = new Map<string, string>();
  const vulnEnabled = enabledScanners(options).includes('vuln');
  const claims = (path: string) => {
    const analyzers = enabledAnalyzers(path, options);
    // Noted even when another scanner (secrets claim every file) reads it: its packages are not checked.
    if (vulnEnabled && !analyzers.some(a => a.scanner === 'vuln')) {
      const format = plannedFormatOf(path);
      if (format) planned.set(path, format);
    }
    return analyzers.length > 0;
  };
  // Installed packages' licenses are read from node_modules (as Trivy's npm analyzer does).
  const includeNodeModules = enabledScanners(options).includes('license');
  for await (const entry of walk(disk, { ...options, claims, includeNodeModules })) {
    if (entry.kind === 'file') files.push(entry.path);
    else if (entry.kind === 'error') scan.errors.push({ file: entry.path, message: entry.message });
    else scan.notes.push(`${entry.path}: ${entry.message}`);
  }
  for (const [path, type] of planned) {
    scan.notes.push(`${path}: a ${type} dependency file, which this version of Vigil cannot analyze yet; its packages were not checked`);
  }
  let done = 0;
  for (const path of files) {
    options.signal?.throwIfAborted();
    const file = await analyzeFile(disk.source, path, options);
    scan.results.push(...file.results);
    scan.errors.push(...file.errors);
    scan.notes.push(...file.notes ?? []);
    if (file.reads) (scan.reads ??= {})[path] = file.reads;
    options.onProgress?.(++done, files.length);
  }
  scan.results.sort((a, b) => compareStrings(a.target, b.target));
  for (const scanner of enabledScanners(options)) {
    if (!availableScanners(options.analyzers).includes(scanner)) scan.notes.push(`the ${scanner} scanner is not available in this version yet`);
  }
  return scan;
}

/**
 * Detects vulnerabilities, applies the severity filter, the ignore files and the inline ignores
 * to every kind of finding, and plans the fixes. Mutates and returns `scan`. The one place where
 * findings are filtered, so the CLI and the editor cannot disagree.
 */
export function completeScan<T extends ScanResult | FileScan>(scan: T, options: ScanOptions): T {
  const detect = options.db && enabledScanners(options).includes('vuln') ? options.db : undefined;
  const filter = findingFilter(options);
  for (const result of scan.results) {
    if (detect) {
      result.vulnerabilities = detectPackages(result.packages, detect);
      if (options.severitySources && detect.severitiesOfCve) applySeveritySources(result.vulnerabilities, options.severitySources, detect.severitiesOfCve.bind(detect));
      result.suppressed = undefined;
    }
    if (options.licensePolicy) applyLicensePolicy(result, options.licensePolicy);
    filterResult(result, filter);
    result.plans = planResult(result);
  }
  return scan;
}

/** The whole pipeline for a target on disk. */
export async function scanPath(target: ScanTarget, options: ScanOptions = {}): Promise<ScanResult> {
  return completeScan(await analyzePath(target, options), options);
}

/**
 * Scans one file of a source, such as an editor's buffer over the disk. Undefined when no enabled
 * analyzer claims the path; failures come back as errors, never as a throw.
 */
export async function scanFile(source: FileSource, path: string, options: ScanOptions): Promise<FileScan | undefined> {
  if (!claimsFile(path, options)) return undefined;
  return completeScan(await analyzeFile(source, path, options), options);
}

/** How many findings of every kind a scan reports: what `--exit-code` and the editor's counts go by. */
export function countFindings(scan: Pick<ScanResult, 'results'>): number {
  return scan.results.reduce((sum, r) => sum + r.vulnerabilities.length + r.misconfigurations.length + r.secrets.length + r.licenses.length, 0);
}

/** The ecosystems a scan found packages of that have advisories, to fetch only those. */
export function ecosystemsOf(scan: ScanResult): Ecosystem[] {
  return [...new Set(scan.results.flatMap(r => r.packages.map(p => p.ecosystem)))].filter(hasAdvisorySource).sort();
}
