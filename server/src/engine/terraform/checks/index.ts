// Every Terraform check, in one list. Each service group has its own file.
import { EC2_CHECKS } from './aws-ec2';
import { IAM_CHECKS } from './aws-iam';
import { AWS_MORE_CHECKS } from './aws-more';
import { S3_CHECKS } from './aws-s3';
import { AWS_SERVICE_CHECKS } from './aws-services';
import { AZURE_CHECKS } from './azure';
import type { TerraformCheck } from './common';
import { GOOGLE_CHECKS } from './google';

export const TERRAFORM_CHECKS: readonly TerraformCheck[] = [...S3_CHECKS, ...EC2_CHECKS, ...IAM_CHECKS, ...AWS_SERVICE_CHECKS, ...AWS_MORE_CHECKS, ...AZURE_CHECKS, ...GOOGLE_CHECKS];
