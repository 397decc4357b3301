// Trivy's cloud checks as Vigil runs them on Terraform (AWS-, AZU-, GCP-xxxx): IDs, aliases,
// titles and severities exactly as trivy-checks has them (commit 80e5382 of aquasecurity/trivy-checks),
// so that Trivy users' ignore files and dashboards keep working. The remediation sentences are
// Vigil's own words. The checks themselves are in ../terraform/checks/.
import type { Rule } from '../types';

/** A Terraform rule with the other names Trivy accepts for it, and the cloud it is about. */
export interface TerraformRule extends Rule {
  /** AVD ID, short code and long ID, e.g. `AVD-AWS-0086`, `block-public-acls`, `aws-s3-block-public-acls`. */
  aliases: readonly string[];
  /** Trivy's CauseMetadata.Provider: `AWS`, `Azure`, `Google`. */
  provider: string;
  /** Trivy's CauseMetadata.Service, e.g. `s3`. */
  service: string;
  /** Retired upstream: Trivy no longer runs it by default, and neither does Vigil. */
  deprecated?: boolean;
}

const PROVIDER_NAMES: Record<string, string> = { aws: 'AWS', azure: 'Azure', google: 'Google' };

function terraformRule(
  id: string, longId: string, shortCode: string, provider: string, service: string, severity: Rule['severity'], title: string,
  remediation: string, deprecated = false,
): TerraformRule {
  return {
    id,
    kind: 'misconfiguration',
    title,
    severity,
    url: `https://avd.aquasec.com/misconfig/${id.toLowerCase()}`,
    remediation,
    aliases: [`AVD-${id}`, shortCode, longId],
    provider: PROVIDER_NAMES[provider] ?? provider,
    service,
    ...(deprecated ? { deprecated } : {}),
  };
}

export const TERRAFORM_RULES: readonly TerraformRule[] = [
  terraformRule('AWS-0086', 'aws-s3-block-public-acls', 'block-public-acls', 'aws', 's3', 'HIGH', 'S3 Access block should block public ACL', 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls = true.'),
  terraformRule('AWS-0087', 'aws-s3-block-public-policy', 'block-public-policy', 'aws', 's3', 'HIGH', 'S3 Access block should block public policy', 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_policy = true.'),
  terraformRule('AWS-0088', 'aws-s3-enable-bucket-encryption', 'enable-bucket-encryption', 'aws', 's3', 'HIGH', 'Unencrypted S3 bucket.', 'Turn on default server-side encryption for the bucket (SSE-S3 or SSE-KMS).', true),
  terraformRule('AWS-0089', 'aws-s3-enable-logging', 'enable-logging', 'aws', 's3', 'LOW', 'S3 Bucket Logging', 'Send the bucket\'s access logs to a log bucket with a logging block or an aws_s3_bucket_logging resource.'),
  terraformRule('AWS-0090', 'aws-s3-enable-versioning', 'enable-versioning', 'aws', 's3', 'MEDIUM', 'S3 Data should be versioned', 'Turn versioning on for the bucket, so overwritten and deleted objects can be recovered.'),
  terraformRule('AWS-0091', 'aws-s3-ignore-public-acls', 'ignore-public-acls', 'aws', 's3', 'HIGH', 'S3 Access Block should Ignore Public ACL', 'Set ignore_public_acls = true in the bucket\'s public access block.'),
  terraformRule('AWS-0092', 'aws-s3-no-public-access-with-acl', 'no-public-access-with-acl', 'aws', 's3', 'HIGH', 'S3 Buckets not publicly accessible through ACL.', 'Give the bucket a private ACL and grant access through policies to named principals.'),
  terraformRule('AWS-0093', 'aws-s3-no-public-buckets', 'no-public-buckets', 'aws', 's3', 'HIGH', 'S3 Access block should restrict public bucket to limit access', 'Set restrict_public_buckets = true in the bucket\'s public access block.'),
  terraformRule('AWS-0094', 'aws-s3-specify-public-access-block', 'specify-public-access-block', 'aws', 's3', 'LOW', 'S3 buckets should each define an aws_s3_bucket_public_access_block', 'Give every bucket an aws_s3_bucket_public_access_block resource.'),
  terraformRule('AWS-0132', 'aws-s3-encryption-customer-key', 'encryption-customer-key', 'aws', 's3', 'HIGH', 'S3 encryption should use Customer Managed Keys', 'Encrypt the bucket with SSE-KMS and a customer managed key (kms_master_key_id).'),
  terraformRule('AWS-0170', 'aws-s3-require-mfa-delete', 'require-mfa-delete', 'aws', 's3', 'LOW', 'Buckets should have MFA deletion protection enabled.', 'Set mfa_delete to Enabled in the bucket\'s versioning configuration.'),
  terraformRule('AWS-0171', 'aws-s3-enable-object-write-logging', 'enable-object-write-logging', 'aws', 's3', 'LOW', 'S3 object-level API operations such as GetObject, DeleteObject, and PutObject are called data events. By default, CloudTrail trails don\'t log data events and so it is recommended to enable Object-level logging for S3 buckets.', 'Add a CloudTrail event selector that logs S3 object-level write events for the bucket.'),
  terraformRule('AWS-0172', 'aws-s3-enable-object-read-logging', 'enable-object-read-logging', 'aws', 's3', 'LOW', 'S3 object-level API operations such as GetObject, DeleteObject, and PutObject are called data events. By default, CloudTrail trails don\'t log data events and so it is recommended to enable Object-level logging for S3 buckets.', 'Add a CloudTrail event selector that logs S3 object-level read events for the bucket.'),
];

const TERRAFORM_RULES_BY_ID = new Map<string, TerraformRule>(TERRAFORM_RULES.map(rule => [rule.id, rule]));

/** A Terraform rule by its ID. */
export function terraformRuleById(id: string): TerraformRule | undefined {
  return TERRAFORM_RULES_BY_ID.get(id);
}

/** Whether `name` is the rule's ID or one of its aliases (case-insensitive), as ignore comments may name it. */
export function namesTerraformRule(rule: TerraformRule, name: string): boolean {
  const wanted = name.toLowerCase();
  return rule.id.toLowerCase() === wanted || rule.aliases.some(alias => alias.toLowerCase() === wanted);
}
