// Every analyzer Vigil runs, in one explicit list. A file goes to the first analyzer that claims it.
import type { Analyzer } from '../types';
import { npmLockAnalyzer } from './npm-lock';
import { pipRequirementsAnalyzer } from './pip-requirements';

export const ANALYZERS: Analyzer[] = [npmLockAnalyzer, pipRequirementsAnalyzer];

/** The analyzer for a root-relative path (forward slashes), if any claims it. */
export function analyzerFor(path: string): Analyzer | undefined {
  return ANALYZERS.find((analyzer) => analyzer.claims(path));
}

