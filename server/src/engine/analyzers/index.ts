// Every analyzer Vigil runs, in one explicit list. A file goes to the first analyzer that claims it.
import type { Analyzer, Ecosystem } from '../types';
import { npmLockAnalyzer } from './npm-lock';
import { pipRequirementsAnalyzer } from './pip-requirements';

export const ANALYZERS: Analyzer[] = [npmLockAnalyzer, pipRequirementsAnalyzer];

/** The analyzer for a root-relative path (forward slashes), if any claims it. */
export function analyzerFor(path: string): Analyzer | undefined {
  return ANALYZERS.find((analyzer) => analyzer.claims(path));
}


/**
 * Trivy result types of the analyzers, by the OSV ecosystem of their packages. Stands in until each
 * analyzer declares its ecosystem; supportedEcosystems() is the one place that reads it.
 */
const ECOSYSTEM_OF_TYPE: Readonly<Record<string, Ecosystem>> = {
  npm: 'npm', yarn: 'npm', pnpm: 'npm', bun: 'npm',
  pip: 'PyPI', pipenv: 'PyPI', poetry: 'PyPI', uv: 'PyPI',
  gomod: 'Go', cargo: 'crates.io', pom: 'Maven', gradle: 'Maven', bundler: 'RubyGems',
  nuget: 'NuGet', composer: 'Packagist', pub: 'Pub', hex: 'Hex',
};

/** The OSV ecosystems whose packages the analyzers report, in analyzer order: what a new DB needs. */
export function supportedEcosystems(): Ecosystem[] {
  return [...new Set(ANALYZERS.filter((analyzer) => analyzer.scanner === 'vuln').map((analyzer) => {
    const ecosystem = ECOSYSTEM_OF_TYPE[analyzer.type];
    if (!ecosystem) throw new Error(`analyzer ${analyzer.id}: no OSV ecosystem known for its type '${analyzer.type}'`);
    return ecosystem;
  }))];
}
