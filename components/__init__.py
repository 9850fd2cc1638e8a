"""The stack's building blocks, by domain: one ComponentResource per module, and the plain modules they share.

- `network`: the VPC, its subnets' sizing and its flow logs;
- `edge`: the load balancer, its certificate, its web ACL and which rule a request reaches;
- `service`: the ECS cluster and every FirelensService, with its task, log router image, sizing and error lines;
- `archive`: LogArchive (Firehose to S3), its private buckets, and the Athena tables and queries over them;
- `events`: the task stop capture and the alert topic;
- `monitoring`: the alarms, the dashboard and the outside check;
- `iam` and `problems`: policy documents and argument problems, which every domain uses.

The config that builds them is validated in `configuration/`.
"""
