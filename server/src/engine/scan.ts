// The scan pipeline: target -> walker -> analyzers -> detector -> ScanResult.
// Analysis and detection are separate steps so a caller can learn which ecosystems a target
// uses (to fetch just those advisories) before it opens the DB.
import { promises as fs } from 'node:fs';
import { analyzerFor } from './analyzers';
import { compareStrings, decodeText } from './text';
import { detectPackages, filterFindings, type FindingFilter } from './detect';
import type { IgnorePolicy } from './ignore';
import type {
  Analyzer, AdvisoryLookup, Ecosystem, FileError, FileResult, Scanner, ScanResult, Severity,
} from './types';
import { DEFAULT_MAX_FILE_SIZE, walk } from './walker';

export interface ScanOptions {
  /** Default: ['vuln']. */
  scanners?: Scanner[];
  /** Needed to find vulnerabilities; without it a scan lists packages only. */
  db?: AdvisoryLookup;
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
}

const CLASS_BY_SCANNER: Record<Scanner, string> = {
  vuln: 'lang-pkgs', misconfig: 'config', secret: 'secret', license: 'license-file',
};

function enabledScanners(options: ScanOptions): Scanner[] {
  return options.scanners ?? ['vuln'];
}

/** The analyzer that reads this root-relative path, if its scanner is enabled. */
function enabledAnalyzer(path: string, options: Pick<ScanOptions, 'scanners'>): Analyzer | undefined {
  const analyzer = analyzerFor(path);
  return analyzer && enabledScanners(options).includes(analyzer.scanner) ? analyzer : undefined;
}

/** True when some enabled analyzer reads this root-relative path. */
export function claimsFile(path: string, options: Pick<ScanOptions, 'scanners'> = {}): boolean {
  return enabledAnalyzer(path, options) !== undefined;
}

/** The finding filter a set of scan options asks for. */
export function findingFilter(options: ScanOptions): FindingFilter {
  const { ignore } = options;
  return {
    severities: options.severities,
    ignoreUnfixed: options.ignoreUnfixed,
    isIgnored: ignore ? finding => ignore.isIgnored(finding) : undefined,
  };
}

/** Parses one file without matching it against the DB. Throws what the analyzer throws. */
function analyzeFile(analyzer: Analyzer, path: string, content: string, options: ScanOptions): FileResult {
  const { packages, findings } = analyzer.analyze({ path, content });
  return {
    target: path,
    class: CLASS_BY_SCANNER[analyzer.scanner],
    type: analyzer.type,
    packages: options.includeDevDeps ? packages : packages.filter(p => !p.dev),
    vulnerabilities: [],
    findings: findings && filterFindings(findings, path, findingFilter(options)),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Scans one file's content, such as an editor's unsaved buffer. Undefined when no enabled
 * analyzer claims the path; a parse failure comes back as `error`, never as a throw.
 */
export function scanFile(
  path: string, content: string, options: ScanOptions,
): { result?: FileResult; error?: FileError } | undefined {
  const analyzer = enabledAnalyzer(path, options);
  if (!analyzer) return undefined;
  // The walker skips big files before reading them; an editor buffer gets the same limit here.
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (content.length > limit) {
    return { error: { file: path, message: `larger than the ${limit / 2 ** 20} MiB limit for one file: not analyzed` } };
  }
  try {
    const result = analyzeFile(analyzer, path, content, options);
    if (options.db) result.vulnerabilities = detectPackages(result.packages, path, options.db, findingFilter(options));
    return { result };
  } catch (error) {
    return { error: { file: path, message: errorMessage(error) } };
  }
}

/** Walks a folder (or one file) and parses what the analyzers claim. No DB needed. */
export async function analyzePath(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const scan: ScanResult = { target: root, results: [], errors: [], notes: [] };
  const files: { path: string; absolutePath: string; analyzer: Analyzer }[] = [];
  for await (const entry of walk(root, { ...options, claims: path => claimsFile(path, options) })) {
    // The walker yields only the files `claims` accepted, so each has its analyzer.
    if (entry.kind === 'file') files.push({ ...entry, analyzer: enabledAnalyzer(entry.path, options)! });
    else if (entry.kind === 'error') scan.errors.push({ file: entry.path, message: entry.message });
    else scan.notes.push(`${entry.path}: ${entry.message}`);
  }
  let done = 0;
  for (const file of files) {
    options.signal?.throwIfAborted();
    try {
      const content = decodeText(await fs.readFile(file.absolutePath));
      scan.results.push(analyzeFile(file.analyzer, file.path, content, options));
    } catch (error) {
      scan.errors.push({ file: file.path, message: errorMessage(error) });
    }
    options.onProgress?.(++done, files.length);
  }
  scan.results.sort((a, b) => compareStrings(a.target, b.target));
  return scan;
}

/** Fills in the vulnerabilities of every analyzed file. Mutates and returns `scan`. */
export function detectVulnerabilities(scan: ScanResult, db: AdvisoryLookup, filter: FindingFilter = {}): ScanResult {
  for (const result of scan.results) {
    result.vulnerabilities = detectPackages(result.packages, result.target, db, filter);
  }
  return scan;
}

/** The whole pipeline. */
export async function scanPath(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const scan = await analyzePath(root, options);
  if (options.db && enabledScanners(options).includes('vuln')) detectVulnerabilities(scan, options.db, findingFilter(options));
  return scan;
}

/** The ecosystems a scan found packages of, to fetch only those advisories. */
export function ecosystemsOf(scan: ScanResult): Ecosystem[] {
  return [...new Set(scan.results.flatMap(r => r.packages.map(p => p.ecosystem)))].sort();
}
