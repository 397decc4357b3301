# Storage for order exports (Vigil demo workspace: deliberately misconfigured).
resource "aws_s3_bucket" "order_exports" {
  bucket = "acme-order-exports"
}

resource "aws_s3_bucket_public_access_block" "order_exports" {
  bucket                  = aws_s3_bucket.order_exports.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_security_group" "ssh" {
  name        = "orders-ssh"
  description = "SSH access"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
