"""The archives: LogArchive (Firehose to private S3 buckets) and the Athena tables and queries over them."""
