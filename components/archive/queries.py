"""Query the archives with Athena: Glue tables over them, a guarded workgroup, saved queries and a reader policy.

Creates:
- a Glue database (`<project>_<stack>`, the name Athena shows) and one table per archive (components/archive/
  tables.py): external; for a Firehose archive JSON lines read by the OpenX JSON SerDe (malformed lines
  become NULL rows, not failed queries), partitioned by year/month/day with partition projection, whose
  `storage.location.template` comes from the same definition as the Firehose prefix (components/archive/layout.py);
  for the VPC flow logs Parquet, partitioned by year/month/day/hour under the prefix VPC Flow Logs delivers to
  (components/network/flow_logs.py). No partition is ever registered, and a new day or hour is queryable as soon as it
  is written;
- the query results bucket, a PrivateBucket (encrypted like the archives, private, TLS only) whose objects expire
  after `results_expiration_days`;
- an Athena workgroup on engine version 3 whose configuration is enforced (results location, encryption and the
  expected bucket owner cannot be changed per query), that cancels any query scanning more than
  `bytes_scanned_cutoff_mib`, and publishes CloudWatch metrics;
- the saved (named) queries of components/archive/saved_queries.py in that workgroup;
- one IAM managed policy with exactly what reading needs: run queries and read saved queries in the workgroup,
  read the database and tables (and the `default` database Athena needs), list and read the archives' delivery
  prefixes (never their error trees), read and write query results, and, with a KMS key, use it through S3 for
  these buckets only. Attach it to the people or roles that query the archive.
Needs: the archives' bucket names, ARNs and prefixes (LogArchive.source, VpcFlowLogs.source), the database name,
the cutoff and the archive settings (KMS key, force-destroy, protect).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.archive.layout import PARTITION_COLUMN_TYPE, table_location
from components.archive.private_bucket import BucketChoices, PrivateBucket, PrivateBucketArgs
from components.archive.saved_queries import SAVED_QUERIES, SavedQuery
from components.archive.tables import TABLE_TYPE, ArchiveTable
from components.iam import kms_key_through_s3_statement, policy_document

ENGINE_VERSION = "Athena engine version 3"
MIB = 1024 * 1024
DEFAULT_DATABASE = "default"  # Athena needs read access to it and the catalog, whatever database is queried
DATA_CATALOG = "AwsDataCatalog"  # the Glue Data Catalog, as Athena names it
DATABASE_NAME_MAX = 255

# The workgroup, as the people who run queries need it (no management of the workgroup or of saved queries: the
# stack owns those).
RUN_QUERY_ACTIONS = (
    "athena:GetWorkGroup",
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
    "athena:GetQueryExecution",
    "athena:BatchGetQueryExecution",
    "athena:ListQueryExecutions",
    "athena:GetQueryResults",
    "athena:GetQueryResultsStream",
    "athena:GetNamedQuery",
    "athena:BatchGetNamedQuery",
    "athena:ListNamedQueries",
)
BROWSE_CATALOG_ACTIONS = (
    "athena:GetDataCatalog",
    "athena:ListDatabases",
    "athena:GetDatabase",
    "athena:ListTableMetadata",
    "athena:GetTableMetadata",
)
LIST_ACTIONS = ("athena:ListWorkGroups", "athena:ListDataCatalogs")  # no resource type: the console's pickers
# No glue:GetPartitions: with partition projection Athena computes the partitions instead of calling it.
GLUE_READ_ACTIONS = ("glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables")
RESULTS_BUCKET_ACTIONS = ("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads")
RESULTS_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")


REGION, ACCOUNT = 3, 4  # fields of an ARN, arn:partition:service:region:account:resource


def _arn_field(arn: pulumi.Output[str], field: int) -> pulumi.Output[str]:
    return arn.apply(lambda value: value.split(":")[field])


def _sibling_arn(arn: pulumi.Output[str], resource: str) -> pulumi.Output[str]:
    """The ARN of `resource` in the same service, partition, region and account as `arn`."""
    return arn.apply(lambda value: value.rsplit(":", 1)[0] + ":" + resource)


def database_name(project: str, stack: str) -> str:
    """`<project>_<stack>` in the only characters Athena takes in a database name: lower case and underscores."""
    name = re.sub(r"[^a-z0-9_]", "_", f"{project}_{stack}".lower())
    if len(name) > DATABASE_NAME_MAX:
        raise ValueError(f"database name {name!r} is longer than Athena's {DATABASE_NAME_MAX} characters")
    return name


@dataclass(frozen=True)
class ArchiveSource:
    """One archive and the table that reads it."""

    table: ArchiveTable
    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    s3_prefix: pulumi.Input[str]  # the delivery prefix before its time partitions, e.g. LogArchive.s3_prefix
    encrypted_with_archive_key: bool = True  # objects under the archives' KMS key, when there is one (LogArchive)


@dataclass(frozen=True)
class ArchiveQueriesArgs:
    database_name: str
    """The Glue database, a name Athena accepts (see database_name())."""
    sources: Sequence[ArchiveSource]
    """The archives to make tables for: each a table definition and where its objects are."""
    bytes_scanned_cutoff_mib: int
    """The workgroup cancels a query that scans more than this (QuerySettings.bytes_scanned_cutoff_mib)."""
    buckets: BucketChoices
    """The stack's bucket choices: the results bucket keeps replaced results as long, `pulumi destroy` may delete
    its objects and the query history (force_destroy), and it is protected like the others. Its objects expire
    after `results_expiration_days`, not the archives' expiration."""
    kms_key_arn: str | None = None
    """The archives' key: results are encrypted with it too, and readers may use it. Default None: SSE-S3."""
    results_expiration_days: int = 7
    """Days before query results expire. Default 7: results are for reading now; the archive stays the record."""
    queries: Sequence[SavedQuery] = SAVED_QUERIES
    """The saved queries of the workgroup, each saved when its table is one of the sources'. Default:
    saved_queries.SAVED_QUERIES."""


class ArchiveQueries(pulumi.ComponentResource):
    workgroup_name: pulumi.Output[str]
    workgroup_arn: pulumi.Output[str]
    database_name: pulumi.Output[str]
    results_bucket_name: pulumi.Output[str]
    reader_policy_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ArchiveQueriesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("httpd-firelens:logs:ArchiveQueries", name, None, opts)
        self._name = name
        self._args = args

        database = aws.glue.CatalogDatabase(
            f"{name}-database",
            name=args.database_name,
            description="Athena tables over this stack's archives: app logs, task stops, WAF and VPC flow logs",
            opts=self._child(),
        )
        tables = [self._table(database, source) for source in args.sources]
        results = PrivateBucket(
            f"{name}-results",
            PrivateBucketArgs(
                expiration_days=args.results_expiration_days,
                noncurrent_version_expiration_days=args.buckets.noncurrent_version_expiration_days,
                force_destroy=args.buckets.force_destroy,
                protect=args.buckets.protect,
                kms_key_arn=args.kms_key_arn,
                lifecycle_rule_id="expire-query-results",
            ),
            opts=self._child(),
        )
        workgroup = self._workgroup(results, database)
        for query in (q for q in args.queries if q.table in {source.table.name for source in args.sources}):
            aws.athena.NamedQuery(
                f"{name}-{query.key}",
                name=query.name,
                description=query.description,
                database=database.name,
                workgroup=workgroup.name,
                query=query.sql,
                opts=self._child(depends_on=tables),
            )
        statements = self._reader_statements(workgroup, database, tables, results)
        reader = aws.iam.Policy(
            f"{name}-reader",
            description="Query this stack's S3 archives with Athena, in its workgroup only",
            policy=pulumi.Output.json_dumps(policy_document(*statements)),
            opts=self._child(),
        )

        self.workgroup_name = workgroup.name
        self.workgroup_arn = workgroup.arn
        self.database_name = database.name
        self.results_bucket_name = results.bucket
        self.reader_policy_arn = reader.arn
        self.register_outputs(
            {
                "workgroupName": self.workgroup_name,
                "workgroupArn": self.workgroup_arn,
                "databaseName": self.database_name,
                "resultsBucketName": self.results_bucket_name,
                "readerPolicyArn": self.reader_policy_arn,
            }
        )

    def _child(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    # --- Glue ------------------------------------------------------------------------------------------

    def _table(self, database: aws.glue.CatalogDatabase, source: ArchiveSource) -> aws.glue.CatalogTable:
        table = source.table
        where = pulumi.Output.all(source.bucket_name, source.s3_prefix)  # [bucket, prefix]
        return aws.glue.CatalogTable(
            f"{self._name}-{table.name.replace('_', '-')}",
            database_name=database.name,
            name=table.name,
            description=table.description,
            table_type=TABLE_TYPE,
            parameters=where.apply(lambda bucket_prefix: table.table_parameters(*bucket_prefix)),
            partition_keys=[
                aws.glue.CatalogTablePartitionKeyArgs(
                    name=partition.key, type=PARTITION_COLUMN_TYPE, comment=table.partition_comment(partition.key)
                )
                for partition in table.partitions
            ],
            storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                location=where.apply(lambda bucket_prefix: table_location(*bucket_prefix)),
                input_format=table.storage.input_format,
                output_format=table.storage.output_format,
                ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(
                    serialization_library=table.storage.serde_library, parameters=table.serde_parameters()
                ),
                columns=[
                    aws.glue.CatalogTableStorageDescriptorColumnArgs(name=c.name, type=c.type, comment=c.comment)
                    for c in table.columns
                ],
            ),
            opts=self._child(),
        )

    # --- Athena ----------------------------------------------------------------------------------------

    def _workgroup(self, results: PrivateBucket, database: aws.glue.CatalogDatabase) -> aws.athena.Workgroup:
        args = self._args
        account_id = _arn_field(database.arn, ACCOUNT)
        if args.kms_key_arn is None:
            encryption = aws.athena.WorkgroupConfigurationResultConfigurationEncryptionConfigurationArgs(
                encryption_option="SSE_S3"
            )
        else:
            encryption = aws.athena.WorkgroupConfigurationResultConfigurationEncryptionConfigurationArgs(
                encryption_option="SSE_KMS", kms_key_arn=args.kms_key_arn
            )
        return aws.athena.Workgroup(
            f"{self._name}-workgroup",
            description="Queries of this stack's S3 archives: engine version 3, enforced settings, a scan cutoff",
            state="ENABLED",
            force_destroy=args.buckets.force_destroy,
            configuration=aws.athena.WorkgroupConfigurationArgs(
                enforce_workgroup_configuration=True,
                publish_cloudwatch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=args.bytes_scanned_cutoff_mib * MIB,
                requester_pays_enabled=False,
                engine_version=aws.athena.WorkgroupConfigurationEngineVersionArgs(
                    selected_engine_version=ENGINE_VERSION
                ),
                result_configuration=aws.athena.WorkgroupConfigurationResultConfigurationArgs(
                    output_location=pulumi.Output.format("s3://{0}/", results.bucket),
                    expected_bucket_owner=account_id,
                    encryption_configuration=encryption,
                ),
            ),
            # Queries write results at once: the bucket's encryption, public access block and policy come first.
            opts=self._child(depends_on=[results.policy]),
        )

    # --- IAM -------------------------------------------------------------------------------------------

    def _reader_statements(
        self,
        workgroup: aws.athena.Workgroup,
        database: aws.glue.CatalogDatabase,
        tables: Sequence[aws.glue.CatalogTable],
        results: PrivateBucket,
    ) -> list[dict[str, Any]]:
        # The catalog, the `default` database and Athena's data catalog are in the database's and the workgroup's
        # partition, region and account: their ARNs follow from those two, without asking AWS.
        catalog = _sibling_arn(database.arn, "catalog")
        default_database = _sibling_arn(database.arn, f"database/{DEFAULT_DATABASE}")
        data_catalog = _sibling_arn(workgroup.arn, f"datacatalog/{DATA_CATALOG}")
        sources = self._args.sources
        # Every delivery prefix, for s3:ListBucket's s3:prefix (StringLike: only `*` and `?` are wildcards, so the
        # `=` of a Hive-compatible prefix is matched as itself).
        list_prefixes = pulumi.Output.all(*(s.s3_prefix for s in sources)).apply(
            lambda prefixes: sorted({f"{prefix}*" for prefix in prefixes})
        )
        statements: list[dict[str, Any]] = [
            {"Sid": "RunQueriesInTheWorkgroup", "Effect": "Allow", "Action": list(RUN_QUERY_ACTIONS),
             "Resource": workgroup.arn},
            {"Sid": "BrowseTheCatalogInAthena", "Effect": "Allow", "Action": list(BROWSE_CATALOG_ACTIONS),
             "Resource": data_catalog},
            {"Sid": "ListWorkgroupsAndCatalogs", "Effect": "Allow", "Action": list(LIST_ACTIONS), "Resource": "*"},
            {"Sid": "ReadTheArchiveTables", "Effect": "Allow", "Action": list(GLUE_READ_ACTIONS),
             "Resource": [catalog, database.arn, default_database, *(table.arn for table in tables)]},
            {"Sid": "AthenaDefaultDatabase", "Effect": "Allow", "Action": "glue:CreateDatabase",
             "Resource": [catalog, default_database]},
            {"Sid": "ListTheArchives", "Effect": "Allow", "Action": "s3:ListBucket",
             "Resource": [source.bucket_arn for source in sources],
             "Condition": {"StringLike": {"s3:prefix": list_prefixes}}},
            {"Sid": "LocateTheArchives", "Effect": "Allow", "Action": "s3:GetBucketLocation",
             "Resource": [source.bucket_arn for source in sources]},
            {"Sid": "ReadTheArchives", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": [pulumi.Output.format("{0}/{1}*", s.bucket_arn, s.s3_prefix) for s in sources]},
            {"Sid": "QueryResultsBucket", "Effect": "Allow", "Action": list(RESULTS_BUCKET_ACTIONS),
             "Resource": results.arn},
            {"Sid": "QueryResults", "Effect": "Allow", "Action": list(RESULTS_OBJECT_ACTIONS),
             "Resource": pulumi.Output.format("{0}/*", results.arn)},
        ]  # fmt: skip
        key_arn = self._args.kms_key_arn
        if key_arn is not None:
            dns_suffix = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).dns_suffix
            region = _arn_field(database.arn, REGION)
            encrypted = (source.bucket_arn for source in sources if source.encrypted_with_archive_key)
            buckets = [*encrypted, results.arn]
            statements.append(kms_key_through_s3_statement("ArchiveKeyThroughS3", key_arn, region, dns_suffix, buckets))
        return statements
