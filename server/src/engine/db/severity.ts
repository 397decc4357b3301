// Severity of an OSV record, worked out once at import and stored with it.
// Order, as Trivy does for OSV-based sources: a CVSS v3 vector, else a CVSS v4 vector,
// else GHSA's `database_specific.severity`, else UNKNOWN. A vendor's own rating (Ubuntu's
// `Ubuntu` severity word) comes first: it is what `--vuln-severity-source ubuntu` asks for.
import { Cvss3P0, Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';
import type { OsvRecord, OsvSeverity } from '../osv';
import type { CvssScore, Severity } from '../types';

export interface SeverityInfo {
  severity: Severity;
  /** `cvss_v3`, `cvss_v4`, `ghsa`, `ubuntu` or `none`. */
  severitySource: string;
  cvss: Record<string, CvssScore>;
}

/** Trivy's bands for a CVSS base score (the same for v3 and v4). */
export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return 'CRITICAL';
  if (score >= 7.0) return 'HIGH';
  if (score >= 4.0) return 'MEDIUM';
  if (score >= 0.1) return 'LOW';
  return 'UNKNOWN';
}

// Scoring is slow-ish (tens of microseconds) and vectors repeat a lot across records.
const scoreCache = new Map<string, number | undefined>();

/** The base score of a CVSS v3.0/v3.1/v4.0 vector, or undefined when the vector does not parse. */
export function cvssBaseScore(vector: string): number | undefined {
  if (scoreCache.has(vector)) return scoreCache.get(vector);
  const score = scoreVector(vector);
  if (scoreCache.size < 10_000) scoreCache.set(vector, score);
  return score;
}

function scoreVector(vector: string): number | undefined {
  try {
    if (vector.startsWith('CVSS:3.1/')) return new Cvss3P1(vector).calculateScores().base;
    if (vector.startsWith('CVSS:3.0/')) return new Cvss3P0(vector).calculateScores().base;
    if (vector.startsWith('CVSS:4.0/')) return new Cvss4P0(vector).calculateScores().base;
  } catch {
    // A malformed vector scores nothing; the next source decides.
  }
  return undefined;
}

/** GHSA's words for severity, mapped to Trivy's. */
const GHSA_SEVERITY: Record<string, Severity> = {
  LOW: 'LOW',
  MODERATE: 'MEDIUM',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
};

/** Ubuntu's priority words, mapped to Trivy's severities (Trivy maps `negligible` to LOW too). */
const UBUNTU_SEVERITY: Record<string, Severity> = {
  negligible: 'LOW',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/**
 * Where the CVSS data came from, as Trivy keys `CVSS`: `ghsa` for GitHub advisories, `nvd` for
 * CVE records, otherwise the lower-cased ID prefix (`go`, `pysec`, `rustsec`, ...).
 */
export function cvssSourceKey(id: string): string {
  const prefix = id.split('-')[0].toLowerCase();
  return prefix === 'cve' ? 'nvd' : prefix;
}

function firstVector(record: OsvRecord, type: string): string | undefined {
  const all: OsvSeverity[] = [
    ...(record.severity ?? []),
    ...(record.affected ?? []).flatMap((a) => a.severity ?? []),
  ];
  return all.find((s) => s.type === type && typeof s.score === 'string')?.score;
}

export function computeSeverity(record: OsvRecord): SeverityInfo {
  const score: CvssScore = {};
  const v3Vector = firstVector(record, 'CVSS_V3');
  const v3Score = v3Vector === undefined ? undefined : cvssBaseScore(v3Vector);
  if (v3Vector !== undefined && v3Score !== undefined) {
    score.V3Vector = v3Vector;
    score.V3Score = v3Score;
  }
  const v4Vector = firstVector(record, 'CVSS_V4');
  const v4Score = v4Vector === undefined ? undefined : cvssBaseScore(v4Vector);
  if (v4Vector !== undefined && v4Score !== undefined) {
    score.V40Vector = v4Vector;
    score.V40Score = v4Score;
  }
  const cvss: Record<string, CvssScore> = Object.keys(score).length ? { [cvssSourceKey(record.id)]: score } : {};

  const ubuntu = firstVector(record, 'Ubuntu')?.toLowerCase();
  if (ubuntu !== undefined && Object.hasOwn(UBUNTU_SEVERITY, ubuntu)) {
    return { severity: UBUNTU_SEVERITY[ubuntu], severitySource: 'ubuntu', cvss };
  }
  if (v3Score !== undefined && v3Score > 0) {
    return { severity: severityFromScore(v3Score), severitySource: 'cvss_v3', cvss };
  }
  if (v4Score !== undefined && v4Score > 0) {
    return { severity: severityFromScore(v4Score), severitySource: 'cvss_v4', cvss };
  }
  const ghsa = record.database_specific?.severity;
  if (typeof ghsa === 'string' && GHSA_SEVERITY[ghsa.toUpperCase()]) {
    return { severity: GHSA_SEVERITY[ghsa.toUpperCase()], severitySource: 'ghsa', cvss };
  }
  return { severity: 'UNKNOWN', severitySource: 'none', cvss };
}
