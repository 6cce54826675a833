"""Runs the atlas_nightly DAG's own spark-submit command lines for one date, in order.

  bin/local-cluster.sh start
  python3 airflow-dags/run_dag_commands.py --date 2026-11-29

What Airflow would do for one DAG run, without Airflow: for each task, the command line that
SparkSubmitOperator builds (atlas_commands.command_line) with the task's env_vars, run with the
generated Spark home's spark-submit against the local standalone cluster; the run stops at the
first failing task, as downstream tasks would not start. A stage the jar does not have yet is
reported as "not in this build" with the command that would run.

Settings: a conf folder under --work with cluster.properties copied from conf/ and a small budget
appended (override with --full), and the warehouse under --work. One line per task on stdout.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import atlas_commands

ROOT = Path(__file__).resolve().parent.parent


def small_budget():
    """The small budget shared with bin/cluster-vs-local.sh, plus 4 evaluation partitions."""
    lines = (ROOT / "bin" / "small-budget.properties").read_text().splitlines()
    pairs = (l.split("=", 1) for l in lines if l.strip() and not l.startswith("#"))
    return dict(pairs, **{"spark.atlas.eval.partitions": "4"})


def cli_commands(spark_submit, jar, env):
    """Subcommands of the jar's atlas CLI, from its --help (run in a local driver)."""
    out = subprocess.run(
        [spark_submit, "--master", "local[1]", "--class", atlas_commands.MAIN_CLASS, jar, "--help"],
        env=env, capture_output=True, text=True, check=True).stdout
    commands = out.split("Commands:", 1)[1] if "Commands:" in out else ""
    return {m.group(1) for m in re.finditer(r"^\s{2}([a-z][a-z-]*)\s", commands, re.M)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--date", required=True)
    p.add_argument("--master", default="spark://127.0.0.1:7077")
    p.add_argument("--spark-submit", default=str(ROOT / "target/cluster/spark-home/bin/spark-submit"))
    p.add_argument("--jar", default=str(ROOT / "jobs/target/atlas-jobs-shaded.jar"))
    p.add_argument("--work", default=str(ROOT / "target/dag-run"))
    p.add_argument("--env", default="cluster", help="ATLAS_ENV: conf/<env>.properties")
    p.add_argument("--full", action="store_true", help="the profile's own budget, not a small one")
    a = p.parse_args(argv)

    work = Path(a.work).resolve()
    conf_dir = work / "conf"
    conf_dir.mkdir(parents=True, exist_ok=True)
    profile = (ROOT / "conf" / f"{a.env}.properties").read_text()
    extra = {"spark.atlas.warehouse": str(work / "warehouse")}
    if not a.full:
        extra.update(small_budget())
    (conf_dir / f"{a.env}.properties").write_text(
        profile + "\n# run_dag_commands.py\n" + "".join(f"{k}={v}\n" for k, v in extra.items()))

    deployment = {"ATLAS_ENV": a.env, "ATLAS_JAR": a.jar, "ATLAS_CONF_DIR": str(conf_dir)}
    env = dict(os.environ, **deployment)
    env.setdefault("DJL_CACHE_DIR", str(ROOT / "target/djl-cache"))
    known = cli_commands(a.spark_submit, a.jar, env)
    report, failed = [], False
    for stage in atlas_commands.STAGES:
        cmd = atlas_commands.command_line(stage, a.date, a.master, deployment, a.spark_submit)
        task_env = dict(env, **atlas_commands.operator_kwargs(stage, deployment)["env_vars"])
        row = {"task": atlas_commands.task_id(stage), "command": cmd}
        if stage not in known:
            row["status"] = "not in this build"
        elif failed:
            row["status"] = "upstream failed"
        else:
            log = work / f"{a.date}-{row['task']}.log"
            start = time.monotonic()
            with open(log, "w") as f:
                rc = subprocess.run(cmd, env=task_env, stdout=f, stderr=subprocess.STDOUT).returncode
            row.update(status="ok" if rc == 0 else f"failed (exit {rc})",
                       seconds=round(time.monotonic() - start), log=str(log))
            failed = rc != 0
        report.append(row)
        print(json.dumps(row), flush=True)
    return report


if __name__ == "__main__":
    rows = main()
    sys.exit(0 if all(r["status"] in ("ok", "not in this build") for r in rows) else 1)
