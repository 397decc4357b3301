// Trivy's Dockerfile checks (DS-00xx): IDs, aliases, titles and severities exactly as trivy-checks
// has them (commit 80e5382 of aquasecurity/trivy-checks), so that Trivy users' ignore files and
// dashboards keep working. The remediation sentences are Vigil's own words. The checks themselves
// are in ../dockerfile/checks.ts.
import type { Rule } from '../types';
import { checkRule, type CheckRule } from './check-rule';

/** A Dockerfile rule with the other names Trivy accepts for it in ignore files and comments. */
export type DockerfileRule = CheckRule;

function dockerfileRule(
  number: string, shortName: string, severity: Rule['severity'], title: string, remediation: string, deprecated = false,
): DockerfileRule {
  const aliases = [`AVD-DS-${number}`, `DS${number.slice(1)}`, shortName, `docker-${shortName}`];
  return checkRule(`DS-${number}`, severity, title, remediation, aliases, deprecated);
}

export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  dockerfileRule('0001', 'use-specific-tags', 'MEDIUM', "':latest' tag used",
    "Pin the image in the FROM instruction to a version tag or a digest."),
  dockerfileRule('0002', 'least-privilege-user', 'HIGH', "Image user should not be 'root'",
    'Switch to a non-root user with a USER instruction before the image\'s command runs.'),
  dockerfileRule('0004', 'no-ssh-port', 'MEDIUM', 'Port 22 exposed',
    'Do not expose port 22; reach the container with `docker exec` instead of SSH.'),
  dockerfileRule('0005', 'use-copy-over-add', 'LOW', 'ADD instead of COPY',
    'Use COPY for local files; keep ADD for remote URLs and archives you want unpacked.'),
  dockerfileRule('0006', 'no-self-referencing-copy-from', 'CRITICAL', "COPY '--from' referring to the current image",
    "Point COPY --from at another build stage or image, not the stage it is in."),
  dockerfileRule('0007', 'only-one-entrypoint', 'CRITICAL', 'Multiple ENTRYPOINT instructions listed',
    'Keep one ENTRYPOINT per stage: only the last one takes effect.'),
  dockerfileRule('0008', 'port-out-of-range', 'CRITICAL', 'Exposed port out of range',
    'Expose only port numbers from 0 to 65535.'),
  dockerfileRule('0009', 'user-absolute-workdir', 'HIGH', 'WORKDIR path not absolute',
    'Give WORKDIR an absolute path (starting with /).'),
  dockerfileRule('0010', 'no-sudo-run', 'CRITICAL', "RUN using 'sudo'",
    'Drop sudo: RUN already runs as the current USER; switch users with USER instead.'),
  dockerfileRule('0011', 'use-slash-for-copy-args', 'CRITICAL', 'COPY with more than two arguments not ending with slash',
    'End the destination with / when COPY has several sources.'),
  dockerfileRule('0012', 'no-duplicate-alias', 'CRITICAL', 'Duplicate aliases defined in different FROMs',
    'Give every build stage its own name.'),
  dockerfileRule('0013', 'use-workdir-over-cd', 'MEDIUM', "'RUN cd ...' to change directory",
    'Change directory with WORKDIR instead of `cd` in RUN.'),
  dockerfileRule('0014', 'standardise-remote-get', 'LOW', "RUN using 'wget' and 'curl'",
    'Download with one tool throughout the Dockerfile: curl or wget, not both.'),
  dockerfileRule('0015', 'purge-yum-package-cache', 'HIGH', "'yum clean all' missing",
    "Run 'yum clean all' in the same RUN, after 'yum install'."),
  dockerfileRule('0016', 'only-one-cmd', 'HIGH', 'Multiple CMD instructions listed',
    'Keep one CMD per stage: only the last one takes effect.'),
  dockerfileRule('0017', 'no-orphan-package-update', 'HIGH', "'RUN <package-manager> update' instruction alone",
    'Update the package index in the same RUN as the install that needs it.'),
  dockerfileRule('0019', 'purge-dnf-package-cache', 'HIGH', "'dnf clean all' missing",
    "Run 'dnf clean all' in the same RUN, after 'dnf install'."),
  dockerfileRule('0020', 'purge-zipper-cache', 'HIGH', "'zypper clean' missing",
    "Run 'zypper clean' in the same RUN, after 'zypper install'."),
  dockerfileRule('0021', 'use-apt-auto-confirm', 'HIGH', "'apt-get' missing '-y' to avoid manual input",
    "Pass -y to 'apt-get install' so that it never waits for an answer."),
  dockerfileRule('0022', 'no-maintainer', 'HIGH', 'Deprecated MAINTAINER used',
    'Replace MAINTAINER with a LABEL (for example `LABEL maintainer=...`).'),
  dockerfileRule('0023', 'only-one-healthcheck', 'MEDIUM', 'Multiple HEALTHCHECK defined',
    'Keep one HEALTHCHECK per stage: only the last one takes effect.'),
  dockerfileRule('0024', 'no-dist-upgrade', 'HIGH', "'apt-get dist-upgrade' used",
    'Start from a newer base image instead of upgrading the distribution in the build.', true),
  dockerfileRule('0025', 'purge-apk-package-cache', 'HIGH', "'apk add' is missing '--no-cache'",
    "Pass --no-cache to 'apk add' so that the package index is not kept in the image."),
  dockerfileRule('0026', 'no-healthcheck', 'LOW', 'No HEALTHCHECK defined',
    'Add a HEALTHCHECK that tells whether the container still works.'),
  dockerfileRule('0027', 'purge-microdnf-package-cache', 'HIGH', "'microdnf clean all' missing",
    "Run 'microdnf clean all' in the same RUN, after 'microdnf install'."),
  dockerfileRule('0029', 'use-apt-no-install-recommends', 'HIGH', "'apt-get' missing '--no-install-recommends'",
    "Pass --no-install-recommends to 'apt-get install' and name the packages you need."),
  dockerfileRule('0030', 'avoid-sys-workdir-mounts', 'HIGH', 'WORKDIR should not be mounted on system dirs',
    'Use a WORKDIR outside /proc, /boot, /dev, /initrd and /lost+found.'),
  dockerfileRule('0031', 'do-not-pass-secrets', 'CRITICAL', 'Secrets passed via `build-args` or envs or copied secret files',
    'Pass build secrets with a secret mount (RUN --mount=type=secret) and runtime secrets through a volume or the environment at run time.'),
];

/** A Dockerfile rule by its ID or any alias (case-insensitive), as ignore comments may name it. */
export function dockerfileRuleNamed(name: string): DockerfileRule | undefined {
  return DOCKERFILE_RULE_NAMES.get(name.toLowerCase());
}

const DOCKERFILE_RULE_NAMES = new Map<string, DockerfileRule>(
  DOCKERFILE_RULES.flatMap(rule => [rule.id, ...rule.aliases].map(name => [name.toLowerCase(), rule] as const)),
);
