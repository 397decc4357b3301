// The shape every misconfiguration check's rule shares, Dockerfile, Kubernetes and Terraform alike:
// Trivy's ID, its other names (which ignore files, comments and settings may use) and its AVD page.
import type { Rule } from '../types';

/** A check's rule with the other names Trivy accepts for it in ignore files and comments. */
export interface CheckRule extends Rule {
  /** AVD ID, legacy ID and short names, e.g. `AVD-DS-0002`, `DS002`, `least-privilege-user`. */
  aliases: readonly string[];
  /** Retired upstream: Trivy no longer runs it by default, and neither does Vigil. */
  deprecated?: boolean;
}

/** A check's rule, its URL on Trivy's AVD pages. */
export function checkRule(
  id: string, severity: Rule['severity'], title: string, remediation: string, aliases: readonly string[], deprecated = false,
): CheckRule {
  return {
    id,
    kind: 'misconfiguration',
    title,
    severity,
    url: `https://avd.aquasec.com/misconfig/${id.toLowerCase()}`,
    remediation,
    aliases,
    ...(deprecated ? { deprecated } : {}),
  };
}
