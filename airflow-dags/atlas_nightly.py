"""Subnet Atlas nightly build: one spark-submit per stage, for the run's logical date.

Every stage writes idempotently (MERGE on the row key or replaceWhere on the date partition), so
a retried or cleared task reruns safely and a rerun for the same date never duplicates rows. One
run at a time: stages of two dates would compete for the cluster and the supernet training lock.

Deployment (see docs/operations.md): the shaded jar and conf/ on every Airflow worker, an Airflow
connection ``spark_atlas`` (type Spark, host spark://MASTER, port 7077) and the environment
variables read by atlas_commands.settings (ATLAS_ENV selects conf/<env>.properties).
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from atlas_commands import STAGES, operator_kwargs

default_args = {
    "owner": "subnet-atlas",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=6),
    "depends_on_past": False,
}

with DAG(
    dag_id="atlas_nightly",
    description="Subnet Atlas nightly build: sample, train, evaluate, measure, validate, release",
    schedule="0 1 * * *",
    start_date=pendulum.datetime(2026, 12, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["subnet-atlas"],
) as dag:
    tasks = [SparkSubmitOperator(**operator_kwargs(stage)) for stage in STAGES]
    # one after another, in the order the jobs module declares
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
