// Every Terraform check, in one list. Each service group has its own file.
import { S3_CHECKS } from './aws-s3';
import type { TerraformCheck } from './common';

export const TERRAFORM_CHECKS: readonly TerraformCheck[] = [...S3_CHECKS];
