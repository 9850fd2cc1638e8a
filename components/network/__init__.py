"""The VPC: its subnets and NAT, its flow logs, and how large its subnets must be."""
