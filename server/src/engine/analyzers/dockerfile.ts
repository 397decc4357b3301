// Dockerfiles and Containerfiles: Trivy's `dockerfile` config type, checked by the DS-00xx checks
// (../dockerfile/checks.ts) with no Rego. Each finding points at the instruction or the argument at
// fault and carries Trivy's CauseMetadata; the file's MisconfSummary counts the checks that passed
// and the findings. `# trivy:ignore:DS-0002` or `# vigil:ignore:DS-0002` (or any of Trivy's other
// names for the check: `AVD-DS-0002`, `DS002`, `least-privilege-user`) on the line above an
// instruction ignores that check there.
import { parseInlineIgnores } from '../inline-ignore';
import { misconfigurationFinding } from '../misconfiguration';
import { baseName } from '../source';
import type { Analyzer, AnalyzerInput, AnalyzerOutput, Finding, InlineIgnore } from '../types';
import { DOCKERFILE_CHECKS, type DockerfileCheck } from '../dockerfile/checks';
import { parseDockerfile, type ParsedDockerfile } from '../dockerfile/parse';
import { dockerfileRuleNamed } from '../rules/dockerfile';

export const dockerfileAnalyzer: Analyzer = {
  id: 'dockerfile',
  type: 'dockerfile',
  scanner: 'misconfig',
  // As Trivy: Dockerfile and Containerfile, with any extension after them or as their extension.
  fileNames: ['Dockerfile', 'Containerfile', 'Dockerfile.*', 'Containerfile.*', '*.Dockerfile', '*.Containerfile', '*.dockerfile'],
  inlineIgnores: true,
  fixes: 'none',
  analyze(input) {
    return analyzeDockerfile(input);
  },
};

export interface DockerfileOptions {
  /** Run the checks trivy-checks has retired too (Trivy's --include-deprecated-checks). */
  includeDeprecated?: boolean;
  /** The user's own checks (custom-checks/), run after the built-in ones. */
  customChecks?: readonly DockerfileCheck[];
}

/** Trivy's CauseMetadata for every Dockerfile finding. */
const CAUSE = { provider: 'Dockerfile', service: 'general' } as const;

export function analyzeDockerfile(input: AnalyzerInput, options: DockerfileOptions = {}): AnalyzerOutput {
  // `Dockerfile.dockerignore` is BuildKit's ignore file for that Dockerfile, not a Dockerfile.
  if (baseName(input.path).endsWith('.dockerignore')) return { packages: [] };
  const file = parseDockerfile(input.content, input.path);
  const checks = [...DOCKERFILE_CHECKS.filter(check => options.includeDeprecated || !check.rule.deprecated), ...options.customChecks ?? []];
  const findings: Finding[] = [];
  let successes = 0;
  for (const check of checks) {
    const failures = check.run(file);
    if (failures.length === 0) successes++;
    for (const failure of failures) findings.push(toFinding(file, check, failure));
  }
  findings.sort((a, b) => a.location.startLine - b.location.startLine || a.location.startColumn - b.location.startColumn);
  return { packages: [], findings, misconfSummary: { successes, failures: findings.length } };
}

function toFinding(file: ParsedDockerfile, check: DockerfileCheck, failure: ReturnType<DockerfileCheck['run']>[number]): Finding {
  const location = file.lines.range(failure.start, failure.end);
  return misconfigurationFinding({
    rule: check.rule,
    message: failure.message,
    location,
    cause: CAUSE,
    inlineIgnores: ignoresAbove(file, location.startLine - 1),
    fix: failure.fix,
  });
}

/**
 * The ignores in the comment lines right above a 0-based line. A check may be named by any of
 * Trivy's names for it; the finding carries the ID the engine matches on.
 */
function ignoresAbove(file: ParsedDockerfile, line: number): InlineIgnore[] {
  const found: InlineIgnore[] = [];
  for (let above = line - 1; above >= 0 && file.comments.has(above); above--) {
    for (const ignore of parseInlineIgnores(file.comments.get(above)!)) {
      const rule = dockerfileRuleNamed(ignore.id);
      found.push(rule ? { ...ignore, id: rule.id } : ignore);
    }
  }
  return found;
}
