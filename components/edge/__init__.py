"""The edge: the shared ALB, its certificate and web ACL, and which listener rule a request reaches."""
