// The one way a misconfiguration check's failure becomes a Finding, for the Dockerfile, Kubernetes
// and Terraform analyzers and the user's own checks alike: the rule at its own severity, the exact
// range, Trivy's CauseMetadata, the inline ignores found above it and the mechanical fix, if any,
// as edits to the finding's own file.
import type { TextEditAt } from './fixes/edits';
import type { Finding, InlineIgnore, Rule, SourceRange } from './types';

/** A mechanical fix of a check: edits to the file the finding is in. */
export interface CheckFixEdits {
  title: string;
  edits: TextEditAt[];
  /** Safe fixes may be applied without review (fix-all). */
  safe: boolean;
}

export interface MisconfigurationParts {
  rule: Rule;
  message: string;
  location: SourceRange;
  cause: NonNullable<Finding['cause']>;
  inlineIgnores: readonly InlineIgnore[];
  fix?: CheckFixEdits;
}

export function misconfigurationFinding(parts: MisconfigurationParts): Finding {
  const finding: Finding = {
    kind: 'misconfiguration',
    rule: parts.rule,
    severity: parts.rule.severity,
    message: parts.message,
    location: parts.location,
    cause: { ...parts.cause },
  };
  if (parts.inlineIgnores.length > 0) finding.inlineIgnores = [...parts.inlineIgnores];
  if (parts.fix) {
    const { title, safe, edits } = parts.fix;
    finding.fix = { title, safe, changes: [{ file: parts.location.file, edits }] };
  }
  return finding;
}
