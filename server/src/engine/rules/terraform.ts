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
  terraformRule('AWS-0008', 'aws-ec2-enable-launch-config-at-rest-encryption', 'enable-launch-config-at-rest-encryption', 'aws', 'ec2', 'HIGH', 'Launch configuration with unencrypted block device.', 'Set encrypted = true on the launch configuration\'s block devices.'),
  terraformRule('AWS-0009', 'aws-ec2-no-public-ip', 'no-public-ip', 'aws', 'ec2', 'HIGH', 'Launch configuration should not have a public IP address.', 'Set associate_public_ip_address = false and reach instances through a load balancer or a bastion.'),
  terraformRule('AWS-0014', 'aws-cloudtrail-enable-all-regions', 'enable-all-regions', 'aws', 'cloudtrail', 'MEDIUM', 'Cloudtrail should be enabled in all regions regardless of where your AWS resources are generally homed', 'Set is_multi_region_trail = true on the trail.'),
  terraformRule('AWS-0015', 'aws-cloudtrail-encryption-customer-managed-key', 'encryption-customer-managed-key', 'aws', 'cloudtrail', 'HIGH', 'CloudTrail should use Customer managed keys to encrypt the logs', 'Encrypt the trail\'s logs with a customer managed KMS key (kms_key_id).'),
  terraformRule('AWS-0016', 'aws-cloudtrail-enable-log-validation', 'enable-log-validation', 'aws', 'cloudtrail', 'HIGH', 'Cloudtrail log validation should be enabled to prevent tampering of log data', 'Set enable_log_file_validation = true on the trail.'),
  terraformRule('AWS-0017', 'aws-cloudwatch-log-group-customer-key', 'log-group-customer-key', 'aws', 'cloudwatch', 'LOW', 'CloudWatch log groups should be encrypted using CMK', 'Encrypt the log group with a customer managed KMS key (kms_key_id).'),
  terraformRule('AWS-0018', 'aws-codebuild-enable-encryption', 'enable-encryption', 'aws', 'codebuild', 'HIGH', 'CodeBuild Project artifacts encryption should not be disabled', 'Leave artifact encryption on: remove encryption_disabled = true.'),
  terraformRule('AWS-0019', 'aws-config-aggregate-all-regions', 'aggregate-all-regions', 'aws', 'config', 'HIGH', 'Config configuration aggregator should be using all regions for source', 'Set all_regions = true on the aggregation source.'),
  terraformRule('AWS-0020', 'aws-documentdb-enable-log-export', 'enable-log-export', 'aws', 'documentdb', 'MEDIUM', 'DocumentDB logs export should be enabled', 'Export the audit (or profiler) log to CloudWatch (enabled_cloudwatch_logs_exports).'),
  terraformRule('AWS-0021', 'aws-documentdb-enable-storage-encryption', 'enable-storage-encryption', 'aws', 'documentdb', 'HIGH', 'DocumentDB storage must be encrypted', 'Set storage_encrypted = true on the cluster.'),
  terraformRule('AWS-0022', 'aws-documentdb-encryption-customer-key', 'encryption-customer-key', 'aws', 'documentdb', 'LOW', 'DocumentDB encryption should use Customer Managed Keys', 'Encrypt the cluster with a customer managed KMS key (kms_key_id).'),
  terraformRule('AWS-0023', 'aws-dynamodb-enable-at-rest-encryption', 'enable-at-rest-encryption', 'aws', 'dynamodb', 'HIGH', 'DAX Cluster should always encrypt data at rest', 'Set server_side_encryption { enabled = true } on the DAX cluster.'),
  terraformRule('AWS-0024', 'aws-dynamodb-enable-recovery', 'enable-recovery', 'aws', 'dynamodb', 'MEDIUM', 'Point in time recovery should be enabled to protect DynamoDB table', 'Set point_in_time_recovery { enabled = true } on the table.'),
  terraformRule('AWS-0025', 'aws-dynamodb-table-customer-key', 'table-customer-key', 'aws', 'dynamodb', 'LOW', 'DynamoDB tables should use at rest encryption with a Customer Managed Key', 'Encrypt the table with a customer managed KMS key (server_side_encryption with kms_key_arn).'),
  terraformRule('AWS-0026', 'aws-ec2-enable-volume-encryption', 'enable-volume-encryption', 'aws', 'ec2', 'HIGH', 'EBS volumes must be encrypted', 'Set encrypted = true on the EBS volume.'),
  terraformRule('AWS-0027', 'aws-ec2-volume-encryption-customer-key', 'volume-encryption-customer-key', 'aws', 'ec2', 'LOW', 'EBS volume encryption should use Customer Managed Keys', 'Encrypt the EBS volume with a customer managed KMS key (kms_key_id).'),
  terraformRule('AWS-0028', 'aws-ec2-enforce-http-token-imds', 'enforce-http-token-imds', 'aws', 'ec2', 'HIGH', 'aws_instance should activate session tokens for Instance Metadata Service.', 'Set metadata_options { http_tokens = "required" } so the instance metadata service asks for a session token (IMDSv2).'),
  terraformRule('AWS-0029', 'aws-ec2-no-secrets-in-user-data', 'no-secrets-in-user-data', 'aws', 'ec2', 'CRITICAL', 'User data for EC2 instances must not contain sensitive AWS keys', 'Take credentials out of the user data: give the instance an IAM role, or read secrets from Secrets Manager or SSM at boot.'),
  terraformRule('AWS-0030', 'aws-ecr-enable-image-scans', 'enable-image-scans', 'aws', 'ecr', 'HIGH', 'ECR repository has image scans disabled.', 'Set image_scanning_configuration { scan_on_push = true }.'),
  terraformRule('AWS-0031', 'aws-ecr-enforce-immutable-repository', 'enforce-immutable-repository', 'aws', 'ecr', 'HIGH', 'ECR images tags shouldn\'t be mutable.', 'Set image_tag_mutability = "IMMUTABLE".'),
  terraformRule('AWS-0032', 'aws-ecr-no-public-access', 'no-public-access', 'aws', 'ecr', 'HIGH', 'ECR repository policy must block public access', 'Grant repository access to named accounts or roles, not to the * principal.'),
  terraformRule('AWS-0033', 'aws-ecr-repository-customer-key', 'repository-customer-key', 'aws', 'ecr', 'LOW', 'ECR Repository should use customer managed keys to allow more control', 'Encrypt the repository with a customer managed KMS key (encryption_type = "KMS" and kms_key).'),
  terraformRule('AWS-0034', 'aws-ecs-enable-container-insight', 'enable-container-insight', 'aws', 'ecs', 'LOW', 'ECS clusters should have container insights enabled', 'Add setting { name = "containerInsights", value = "enabled" } to the cluster.'),
  terraformRule('AWS-0035', 'aws-ecs-enable-in-transit-encryption', 'enable-in-transit-encryption', 'aws', 'ecs', 'HIGH', 'ECS Task Definitions with EFS volumes should use in-transit encryption', 'Set transit_encryption = "ENABLED" on EFS volumes of the task definition.'),
  terraformRule('AWS-0036', 'aws-ecs-no-plaintext-secrets', 'no-plaintext-secrets', 'aws', 'ecs', 'CRITICAL', 'Task definition defines sensitive environment variable(s).', 'Pass secrets to containers through the secrets field (Secrets Manager or SSM), not through environment values.'),
  terraformRule('AWS-0037', 'aws-efs-enable-at-rest-encryption', 'enable-at-rest-encryption', 'aws', 'efs', 'HIGH', 'EFS Encryption has not been enabled', 'Set encrypted = true on the file system.'),
  terraformRule('AWS-0038', 'aws-eks-enable-control-plane-logging', 'enable-control-plane-logging', 'aws', 'eks', 'MEDIUM', 'EKS Clusters should have cluster control plane logging turned on', 'Turn on every control plane log type: api, audit, authenticator, controllerManager and scheduler.'),
  terraformRule('AWS-0039', 'aws-eks-encrypt-secrets', 'encrypt-secrets', 'aws', 'eks', 'HIGH', 'EKS should have the encryption of secrets enabled', 'Add an encryption_config for secrets with a KMS key (provider.key_arn).'),
  terraformRule('AWS-0040', 'aws-eks-no-public-cluster-access', 'no-public-cluster-access', 'aws', 'eks', 'CRITICAL', 'EKS Clusters should have the public access disabled', 'Set endpoint_public_access = false and reach the API server from inside the VPC.'),
  terraformRule('AWS-0041', 'aws-eks-no-public-cluster-access-to-cidr', 'no-public-cluster-access-to-cidr', 'aws', 'eks', 'CRITICAL', 'EKS cluster should not have open CIDR range for public access', 'Limit public_access_cidrs to known address ranges, or turn the public endpoint off.'),
  terraformRule('AWS-0047', 'aws-elb-use-secure-tls-policy', 'use-secure-tls-policy', 'aws', 'elb', 'CRITICAL', 'An outdated SSL policy is in use by a load balancer.', 'Use a current TLS policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 on the listener.'),
  terraformRule('AWS-0052', 'aws-elb-drop-invalid-headers', 'drop-invalid-headers', 'aws', 'elb', 'HIGH', 'Load balancers should drop invalid headers', 'Set drop_invalid_header_fields = true on the application load balancer.'),
  terraformRule('AWS-0053', 'aws-elb-alb-not-public', 'alb-not-public', 'aws', 'elb', 'HIGH', 'Load balancer is exposed to the internet.', 'Set internal = true unless the load balancer must face the internet.'),
  terraformRule('AWS-0054', 'aws-elb-http-not-used', 'http-not-used', 'aws', 'elb', 'CRITICAL', 'Use of plain HTTP.', 'Serve HTTPS on the listener, or make the HTTP listener redirect to HTTPS.'),
  terraformRule('AWS-0056', 'aws-iam-no-password-reuse', 'no-password-reuse', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should prevent password reuse.', 'Set password_reuse_prevention to 5 or more.'),
  terraformRule('AWS-0057', 'aws-iam-no-policy-wildcards', 'no-policy-wildcards', 'aws', 'iam', 'HIGH', 'IAM policy should avoid use of wildcards and instead apply the principle of least privilege', 'Name the actions and resources a policy grants instead of using wildcards.', true),
  terraformRule('AWS-0058', 'aws-iam-require-lowercase-in-passwords', 'require-lowercase-in-passwords', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have requirement for at least one lowercase character.', 'Set require_lowercase_characters = true in the password policy.'),
  terraformRule('AWS-0059', 'aws-iam-require-numbers-in-passwords', 'require-numbers-in-passwords', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have requirement for at least one number in the password.', 'Set require_numbers = true in the password policy.'),
  terraformRule('AWS-0060', 'aws-iam-require-symbols-in-passwords', 'require-symbols-in-passwords', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have requirement for at least one symbol in the password.', 'Set require_symbols = true in the password policy.'),
  terraformRule('AWS-0061', 'aws-iam-require-uppercase-in-passwords', 'require-uppercase-in-passwords', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have requirement for at least one uppercase character.', 'Set require_uppercase_characters = true in the password policy.'),
  terraformRule('AWS-0062', 'aws-iam-set-max-password-age', 'set-max-password-age', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have expiry less than or equal to 90 days.', 'Set max_password_age to 90 days or fewer.'),
  terraformRule('AWS-0063', 'aws-iam-set-minimum-password-length', 'set-minimum-password-length', 'aws', 'iam', 'MEDIUM', 'IAM Password policy should have minimum password length of 14 or more characters.', 'Set minimum_password_length to 14 or more.'),
  terraformRule('AWS-0064', 'aws-kinesis-enable-in-transit-encryption', 'enable-in-transit-encryption', 'aws', 'kinesis', 'HIGH', 'Kinesis stream is unencrypted.', 'Set encryption_type = "KMS" with a kms_key_id on the stream.'),
  terraformRule('AWS-0065', 'aws-kms-auto-rotate-keys', 'auto-rotate-keys', 'aws', 'kms', 'MEDIUM', 'A KMS key is not configured to auto-rotate.', 'Set enable_key_rotation = true on the KMS key.'),
  terraformRule('AWS-0066', 'aws-lambda-enable-tracing', 'enable-tracing', 'aws', 'lambda', 'LOW', 'Lambda functions should have X-Ray tracing enabled', 'Set tracing_config { mode = "Active" } on the function.'),
  terraformRule('AWS-0067', 'aws-lambda-restrict-source-arn', 'restrict-source-arn', 'aws', 'lambda', 'CRITICAL', 'Ensure that lambda function permission has a source arn specified', 'Set source_arn on the permission so only that resource can invoke the function.'),
  terraformRule('AWS-0075', 'aws-neptune-enable-log-export', 'enable-log-export', 'aws', 'neptune', 'MEDIUM', 'Neptune logs export should be enabled', 'Export the audit log to CloudWatch (enable_cloudwatch_logs_exports = ["audit"]).'),
  terraformRule('AWS-0076', 'aws-neptune-enable-storage-encryption', 'enable-storage-encryption', 'aws', 'neptune', 'HIGH', 'Neptune storage must be encrypted at rest', 'Set storage_encrypted = true on the cluster.'),
  terraformRule('AWS-0077', 'aws-rds-specify-backup-retention', 'specify-backup-retention', 'aws', 'rds', 'MEDIUM', 'RDS Cluster and RDS instance should have backup retention longer than default 1 day', 'Keep backups for more than one day (backup_retention_period).'),
  terraformRule('AWS-0078', 'aws-rds-performance-insights-encryption-customer-key', 'performance-insights-encryption-customer-key', 'aws', 'rds', 'LOW', 'Performance Insights encryption should use Customer Managed Keys', 'Encrypt Performance Insights data with a customer managed KMS key (performance_insights_kms_key_id).'),
  terraformRule('AWS-0079', 'aws-rds-encrypt-cluster-storage-data', 'encrypt-cluster-storage-data', 'aws', 'rds', 'HIGH', 'There is no encryption specified or encryption is disabled on the RDS Cluster.', 'Set storage_encrypted = true on the cluster, with a KMS key.'),
  terraformRule('AWS-0080', 'aws-rds-encrypt-instance-storage-data', 'encrypt-instance-storage-data', 'aws', 'rds', 'HIGH', 'RDS encryption has not been enabled at a DB Instance level.', 'Set storage_encrypted = true on the database instance.'),
  terraformRule('AWS-0086', 'aws-s3-block-public-acls', 'block-public-acls', 'aws', 's3', 'HIGH', 'S3 Access block should block public ACL', 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls = true.'),
  terraformRule('AWS-0087', 'aws-s3-block-public-policy', 'block-public-policy', 'aws', 's3', 'HIGH', 'S3 Access block should block public policy', 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_policy = true.'),
  terraformRule('AWS-0088', 'aws-s3-enable-bucket-encryption', 'enable-bucket-encryption', 'aws', 's3', 'HIGH', 'Unencrypted S3 bucket.', 'Turn on default server-side encryption for the bucket (SSE-S3 or SSE-KMS).', true),
  terraformRule('AWS-0089', 'aws-s3-enable-logging', 'enable-logging', 'aws', 's3', 'LOW', 'S3 Bucket Logging', 'Send the bucket\'s access logs to a log bucket with a logging block or an aws_s3_bucket_logging resource.'),
  terraformRule('AWS-0090', 'aws-s3-enable-versioning', 'enable-versioning', 'aws', 's3', 'MEDIUM', 'S3 Data should be versioned', 'Turn versioning on for the bucket, so overwritten and deleted objects can be recovered.'),
  terraformRule('AWS-0091', 'aws-s3-ignore-public-acls', 'ignore-public-acls', 'aws', 's3', 'HIGH', 'S3 Access Block should Ignore Public ACL', 'Set ignore_public_acls = true in the bucket\'s public access block.'),
  terraformRule('AWS-0092', 'aws-s3-no-public-access-with-acl', 'no-public-access-with-acl', 'aws', 's3', 'HIGH', 'S3 Buckets not publicly accessible through ACL.', 'Give the bucket a private ACL and grant access through policies to named principals.'),
  terraformRule('AWS-0093', 'aws-s3-no-public-buckets', 'no-public-buckets', 'aws', 's3', 'HIGH', 'S3 Access block should restrict public bucket to limit access', 'Set restrict_public_buckets = true in the bucket\'s public access block.'),
  terraformRule('AWS-0094', 'aws-s3-specify-public-access-block', 'specify-public-access-block', 'aws', 's3', 'LOW', 'S3 buckets should each define an aws_s3_bucket_public_access_block', 'Give every bucket an aws_s3_bucket_public_access_block resource.'),
  terraformRule('AWS-0095', 'aws-sns-enable-topic-encryption', 'enable-topic-encryption', 'aws', 'sns', 'HIGH', 'Unencrypted SNS topic.', 'Encrypt the topic with a KMS key (kms_master_key_id).'),
  terraformRule('AWS-0096', 'aws-sqs-enable-queue-encryption', 'enable-queue-encryption', 'aws', 'sqs', 'HIGH', 'Unencrypted SQS queue.', 'Encrypt the queue with a KMS key (kms_master_key_id) or SQS managed encryption.'),
  terraformRule('AWS-0097', 'aws-sqs-no-wildcards-in-policy-documents', 'no-wildcards-in-policy-documents', 'aws', 'sqs', 'HIGH', 'AWS SQS policy document has wildcard action statement.', 'Name the SQS actions the policy allows instead of a wildcard.'),
  terraformRule('AWS-0098', 'aws-ssm-secret-use-customer-key', 'secret-use-customer-key', 'aws', 'ssm', 'LOW', 'Secrets Manager should use customer managed keys', 'Encrypt the secret with a customer managed KMS key (kms_key_id).'),
  terraformRule('AWS-0099', 'aws-ec2-add-description-to-security-group', 'add-description-to-security-group', 'aws', 'ec2', 'LOW', 'Missing description for security group.', 'Describe what the security group is for in its description.'),
  terraformRule('AWS-0101', 'aws-ec2-no-default-vpc', 'no-default-vpc', 'aws', 'ec2', 'HIGH', 'AWS best practice to not use the default VPC for workflows', 'Create a VPC of your own for workloads rather than managing the default VPC.'),
  terraformRule('AWS-0102', 'aws-ec2-no-excessive-port-access', 'no-excessive-port-access', 'aws', 'ec2', 'CRITICAL', 'An Network ACL rule allows ALL ports.', 'Allow only the protocols and ports the subnet needs in network ACL rules.'),
  terraformRule('AWS-0104', 'aws-ec2-no-public-egress-sgr', 'no-public-egress-sgr', 'aws', 'ec2', 'CRITICAL', 'A security group rule should not allow unrestricted egress to any IP address.', 'Limit egress to the addresses and ports the workload needs instead of 0.0.0.0/0.'),
  terraformRule('AWS-0105', 'aws-ec2-no-public-ingress-acl', 'no-public-ingress-acl', 'aws', 'ec2', 'MEDIUM', 'Network ACLs should not allow unrestricted ingress to SSH or RDP from any IP address.', 'Allow SSH and RDP in network ACLs only from known address ranges.'),
  terraformRule('AWS-0107', 'aws-ec2-no-public-ingress-sgr', 'no-public-ingress-sgr', 'aws', 'ec2', 'HIGH', 'Security groups should not allow unrestricted ingress to SSH or RDP from any IP address.', 'Allow SSH and RDP only from known address ranges, not from 0.0.0.0/0.'),
  terraformRule('AWS-0109', 'aws-workspaces-enable-disk-encryption', 'enable-disk-encryption', 'aws', 'workspaces', 'HIGH', 'Root and user volumes on Workspaces should be encrypted', 'Set root_volume_encryption_enabled and user_volume_encryption_enabled to true.'),
  terraformRule('AWS-0122', 'aws-ec2-no-sensitive-info', 'no-sensitive-info', 'aws', 'ec2', 'HIGH', 'Ensure all data stored in the launch configuration EBS is securely encrypted', 'Take passwords and keys out of the launch configuration\'s user data and read them from Secrets Manager or SSM at boot.'),
  terraformRule('AWS-0123', 'aws-iam-enforce-group-mfa', 'enforce-group-mfa', 'aws', 'iam', 'MEDIUM', 'IAM groups should have MFA enforcement activated.', 'Attach a policy to the group that denies access unless aws:MultiFactorAuthPresent is true.'),
  terraformRule('AWS-0124', 'aws-ec2-add-description-to-security-group-rule', 'add-description-to-security-group-rule', 'aws', 'ec2', 'LOW', 'Missing description for security group rule.', 'Describe what each security group rule is for in its description.'),
  terraformRule('AWS-0128', 'aws-neptune-encryption-customer-key', 'encryption-customer-key', 'aws', 'neptune', 'HIGH', 'Neptune encryption should use Customer Managed Keys', 'Encrypt the cluster with a customer managed KMS key (kms_key_arn).'),
  terraformRule('AWS-0129', 'aws-ec2-no-secrets-in-launch-template-user-data', 'aws-autoscaling-no-secrets-in-user-data', 'aws', 'ec2', 'CRITICAL', 'User data for EC2 instances must not contain sensitive AWS keys', 'Take credentials out of the launch template\'s user data: use an instance profile, or read secrets from Secrets Manager or SSM at boot.'),
  terraformRule('AWS-0130', 'aws-ec2-enforce-launch-config-http-token-imds', 'enforce-launch-config-http-token-imds', 'aws', 'ec2', 'HIGH', 'aws_instance should activate session tokens for Instance Metadata Service.', 'Set metadata_options { http_tokens = "required" } in the launch configuration or template (IMDSv2).'),
  terraformRule('AWS-0131', 'aws-ec2-enable-at-rest-encryption', 'enable-at-rest-encryption', 'aws', 'ec2', 'HIGH', 'Instance with unencrypted block device.', 'Set encrypted = true on the instance\'s root and EBS block devices.'),
  terraformRule('AWS-0132', 'aws-s3-encryption-customer-key', 'encryption-customer-key', 'aws', 's3', 'HIGH', 'S3 encryption should use Customer Managed Keys', 'Encrypt the bucket with SSE-KMS and a customer managed key (kms_master_key_id).'),
  terraformRule('AWS-0133', 'aws-rds-enable-performance-insights', 'enable-performance-insights', 'aws', 'rds', 'LOW', 'Enable Performance Insights to detect potential problems', 'Set performance_insights_enabled = true.'),
  terraformRule('AWS-0135', 'aws-sqs-queue-encryption-use-cmk', 'queue-encryption-use-cmk', 'aws', 'sqs', 'HIGH', 'SQS queue should be encrypted with a CMK.', 'Encrypt the queue with a customer managed KMS key, not the AWS managed one.'),
  terraformRule('AWS-0136', 'aws-sns-topic-encryption-use-cmk', 'topic-encryption-use-cmk', 'aws', 'sns', 'HIGH', 'SNS topic not encrypted with CMK.', 'Encrypt the topic with a customer managed KMS key, not the AWS managed one.'),
  terraformRule('AWS-0141', 'aws-iam-no-root-access-keys', 'no-root-access-keys', 'aws', 'iam', 'CRITICAL', 'The root user has complete access to all services and resources in an AWS account. AWS Access Keys provide programmatic access to a given account.', 'Do not create access keys for the root user; create IAM users or roles with the access they need.'),
  terraformRule('AWS-0143', 'aws-iam-no-user-attached-policies', 'no-user-attached-policies', 'aws', 'iam', 'LOW', 'IAM policies should not be granted directly to users.', 'Grant policies to groups or roles and add users to those groups.'),
  terraformRule('AWS-0161', 'aws-cloudtrail-no-public-log-access', 'no-public-log-access', 'aws', 'cloudtrail', 'CRITICAL', 'The S3 Bucket backing Cloudtrail should be private', 'Keep the trail\'s log bucket private: no public or authenticated-read ACL.'),
  terraformRule('AWS-0162', 'aws-cloudtrail-ensure-cloudwatch-integration', 'ensure-cloudwatch-integration', 'aws', 'cloudtrail', 'LOW', 'CloudTrail logs should be stored in S3 and also sent to CloudWatch Logs', 'Send the trail to a CloudWatch Logs group (cloud_watch_logs_group_arn).'),
  terraformRule('AWS-0163', 'aws-cloudtrail-require-bucket-access-logging', 'require-bucket-access-logging', 'aws', 'cloudtrail', 'LOW', 'You should enable bucket access logging on the CloudTrail S3 bucket.', 'Turn on access logging for the bucket that stores the trail\'s logs.'),
  terraformRule('AWS-0164', 'aws-ec2-no-public-ip-subnet', 'no-public-ip-subnet', 'aws', 'ec2', 'HIGH', 'Instances in a subnet should not receive a public IP address by default.', 'Set map_public_ip_on_launch = false on the subnet.'),
  terraformRule('AWS-0170', 'aws-s3-require-mfa-delete', 'require-mfa-delete', 'aws', 's3', 'LOW', 'Buckets should have MFA deletion protection enabled.', 'Set mfa_delete to Enabled in the bucket\'s versioning configuration.'),
  terraformRule('AWS-0171', 'aws-s3-enable-object-write-logging', 'enable-object-write-logging', 'aws', 's3', 'LOW', 'S3 object-level API operations such as GetObject, DeleteObject, and PutObject are called data events. By default, CloudTrail trails don\'t log data events and so it is recommended to enable Object-level logging for S3 buckets.', 'Add a CloudTrail event selector that logs S3 object-level write events for the bucket.'),
  terraformRule('AWS-0172', 'aws-s3-enable-object-read-logging', 'enable-object-read-logging', 'aws', 's3', 'LOW', 'S3 object-level API operations such as GetObject, DeleteObject, and PutObject are called data events. By default, CloudTrail trails don\'t log data events and so it is recommended to enable Object-level logging for S3 buckets.', 'Add a CloudTrail event selector that logs S3 object-level read events for the bucket.'),
  terraformRule('AWS-0178', 'aws-ec2-require-vpc-flow-logs-for-all-vpcs', 'require-vpc-flow-logs-for-all-vpcs', 'aws', 'ec2', 'MEDIUM', 'VPC Flow Logs is a feature that enables you to capture information about the IP traffic going to and from network interfaces in your VPC. After you\'ve created a flow log, you can view and retrieve its data in Amazon CloudWatch Logs. It is recommended that VPC Flow Logs be enabled for packet "Rejects" for VPCs.', 'Add an aws_flow_log for the VPC.'),
  terraformRule('AWS-0180', 'aws-rds-enable-public-access', 'enable-public-access', 'aws', 'rds', 'HIGH', 'RDS Publicly Accessible', 'Set publicly_accessible = false and reach the database from inside the VPC.'),
  terraformRule('AWS-0345', 'aws-iam-no-s3-full-access', 'no-s3-full-access', 'aws', 'iam', 'HIGH', 'Disallow unrestricted S3 IAM Policies', 'Grant only the S3 actions and buckets the principal needs instead of s3:* on every resource.'),
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
