// The rule tables: one per family of non-vulnerability findings. A finding refers to its rule, so
// its title, URL and remediation have one source, which `vigil rules`, the reports, the hovers and
// the docs all read. IDs are stable (Trivy's where Trivy has the check) and are what ignore files
// and inline comments name.
//
// The tables fill in with the scanners that use them: misconfiguration checks (Dockerfile,
// Kubernetes, Terraform), secret rules and license classifications. Until then they are empty,
// and `vigil rules` says so.
import type { FindingKind, Rule } from '../types';
import { DOCKERFILE_RULES } from './dockerfile';
import { KUBERNETES_RULES } from './kubernetes';
import { SECRET_RULE_TABLE } from './secrets';
import { TERRAFORM_RULES } from './terraform';
import { LICENSE_RULE_TABLE } from './licenses';

export const MISCONFIGURATION_RULES: readonly Rule[] = [...DOCKERFILE_RULES, ...KUBERNETES_RULES, ...TERRAFORM_RULES];
export const SECRET_RULES: readonly Rule[] = [...SECRET_RULE_TABLE];
export const LICENSE_RULES: readonly Rule[] = [...LICENSE_RULE_TABLE];

export const RULE_TABLES: Readonly<Record<FindingKind, readonly Rule[]>> = {
  misconfiguration: MISCONFIGURATION_RULES,
  secret: SECRET_RULES,
  license: LICENSE_RULES,
};

/** A table's rules by ID; throws on a repeated ID, which would make ignores ambiguous. */
export function indexRules(rules: readonly Rule[]): ReadonlyMap<string, Rule> {
  const byId = new Map<string, Rule>();
  for (const rule of rules) {
    if (byId.has(rule.id)) throw new Error(`rule ${rule.id} is declared twice`);
    byId.set(rule.id, rule);
  }
  return byId;
}
