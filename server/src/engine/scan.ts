// The scan pipeline: target -> walker -> analyzers -> detector -> filter -> ScanResult.
// Every analyzer that claims a file runs on it, reading it and its siblings through one file
// source. Analysis and detection are separate steps so a caller can learn which ecosystems a
// target uses (to fetch just those advisories) before it opens the DB; `completeScan` then
// detects, filters (severity, ignore files, inline ignores, for every kind) and plans fixes, once.
import { analyzersFor, ANALYZERS, availableScanners, plannedFormatOf } from './analyzers';
import { BinaryContentError, compareStrings } from './text';
import { detectPackages, filterResult, type FindingFilter } from './detect';
import { planResult } from './fixes/plan';
import type { IgnorePolicy } from './ignore';
import type { VexPolicy } from './vex';
import { siblingPath, type FileSource } from './source';
import type {
  Analyzer, AdvisoryLookup, Ecosystem, FileError, FileResult, Finding, ResultClass, Scanner, ScanResult, Severity,
} from './types';
import { DEFAULT_MAX_FILE_SIZE, openDiskTarget, walk, type DiskTarget } from './walker';

export interface ScanOptions {
  /** Default: ['vuln']. */
  scanners?: Scanner[];
  /** Needed to find vulnerabilities; without it a scan lists packages only. */
  db?: AdvisoryLookup;
  /** VEX documents (`--vex`): the vulnerabilities they mark not_affected or fixed are dropped. */
  vex?: VexPolicy;
  severities?: Severity[];
  ignoreUnfixed?: boolean;
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
}

const CLASS_BY_SCANNER: Record<Scanner, ResultClass> = {
  vuln: 'lang-pkgs', misconfig: 'config', secret: 'secret', license: 'license-file',
};

function enabledScanners(options: Pick<ScanOptions, 'scanners'>): Scanner[] {
  return options.scanners ?? ['vuln'];
}

/** The analyzers that read this root-relative path, among those of enabled scanners. */
function enabledAnalyzers(path: string, options: Pick<ScanOptions, 'scanners' | 'analyzers'>): Analyzer[] {
  const scanners = enabledScanners(options);
  return analyzersFor(path, options.analyzers ?? ANALYZERS).filter(analyzer => scanners.includes(analyzer.scanner));
}

/** True when some enabled analyzer reads this root-relative path. */
export function claimsFile(path: string, options: Pick<ScanOptions, 'scanners' | 'analyzers'> = {}): boolean {
  return enabledAnalyzers(path, options).length > 0;
}

/** The finding filter a set of scan options asks for. */
export function findingFilter(options: ScanOptions): FindingFilter {
  const { ignore } = options;
  return {
    severities: options.severities,
    ignoreUnfixed: options.ignoreUnfixed,
    isIgnored: ignore ? finding => ignore.isIgnored(finding) : undefined,
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

/** What one file gave: a result per class of analyzer that found something, and an error per analyzer that failed. */
export interface FileScan {
  results: FileResult[];
  errors: FileError[];
}

/**
 * Runs every enabled analyzer that claims `path` on it, reading the file once (text or bytes, as
 * each asks) and the siblings they declare. One analyzer's failure does not stop the others.
 */
export async function analyzeFile(source: FileSource, path: string, options: ScanOptions = {}): Promise<FileScan> {
  const analyzers = enabledAnalyzers(path, options);
  const scan: FileScan = { results: [], errors: [] };
  if (analyzers.length === 0) return scan;
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // Read once, as text or bytes, whichever the first analyzer that needs it asks for; the source
  // refuses a file over the limit before reading it.
  let text: Promise<string> | undefined;
  let bytes: Promise<Uint8Array> | undefined;
  let readError: unknown;
  const failed = (error: unknown): never => {
    readError = error;
    throw error;
  };
  const readText = () => (text ??= source.readText(path, limit).catch(failed));
  const readBytes = () => (bytes ??= source.readBytes(path, limit).catch(failed));
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
      const siblings = new Map<string, string>();
      for (const name of analyzer.siblings ?? []) {
        const sibling = await source.readText(siblingPath(path, name)).catch(() => undefined);
        if (sibling !== undefined) siblings.set(name, sibling);
      }
      const output = analyzer.analyze({ path, content, bytes: analyzer.reads === 'bytes' ? await readBytes() : undefined, siblings });
      const packages = options.includeDevDeps ? output.packages : output.packages.filter(p => !p.dev);
      // A file that gave an analyzer nothing gets no result from it (a secret scanner's clean file).
      if (output.packages.length === 0 && !output.findings?.length && !output.misconfSummary) continue;
      const resultClass = CLASS_BY_SCANNER[analyzer.scanner];
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
  for await (const entry of walk(disk, { ...options, claims })) {
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
      result.suppressed = undefined;
    }
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

/** The ecosystems a scan found packages of, to fetch only those advisories. */
export function ecosystemsOf(scan: ScanResult): Ecosystem[] {
  return [...new Set(scan.results.flatMap(r => r.packages.map(p => p.ecosystem)))].sort();
}
