// A Terraform file of ordinary resources for the benches: buckets with their access blocks,
// security groups and instances, with variables and a local, repeated up to a number of lines.

const unit = (i: number) => `resource "aws_s3_bucket" "b${i}" {
  bucket = "acme-\${var.env}-${i}"
  tags = {
    Name = lower("Bucket ${i}")
  }
}

resource "aws_s3_bucket_public_access_block" "b${i}" {
  bucket                  = aws_s3_bucket.b${i}.id
  block_public_acls       = true
  block_public_policy     = var.strict
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_security_group" "sg${i}" {
  name        = "sg-${i}"
  description = "Web ${i}"

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "web${i}" {
  ami           = "ami-123456"
  instance_type = local.size
  count         = var.enabled ? 1 : 0
  metadata_options {
    http_tokens = "required"
  }
}

`;
/** A `.tf` text of at least `lines` lines. */
export function terraformFile(lines: number): string {
  let text = 'variable "env" { default = "dev" }\nvariable "strict" { default = true }\nvariable "enabled" { default = true }\nlocals { size = "t3.micro" }\n\n';
  for (let i = 0; text.split('\n').length < lines; i++) text += unit(i);
  return text;
}
