"""Tests of the nightly DAG without Airflow (it cannot be installed here).

  python3 -m unittest discover -s airflow-dags -p 'test_*.py'      structure + command lines

The structural tests read atlas_nightly.py with ``ast`` (importing it needs Airflow) and check
what Airflow would build from it: task ids, their order, operator arguments, schedule, catchup,
max_active_runs and retries. The command-line tests check the exact spark-submit lines.

  ATLAS_DAG_RUN=1 python3 -m unittest test_atlas_nightly.DagCommandsOnClusterTest

runs the DAG's own command lines for one date against the local standalone cluster
(bin/local-cluster.sh start first); see run_dag_commands.py.
"""

import ast
import os
import re
import unittest
from pathlib import Path

import atlas_commands
from atlas_commands import STAGES

HERE = Path(__file__).resolve().parent
DAG_FILE = HERE / "atlas_nightly.py"

# SparkSubmitOperator's parameters (apache-airflow-providers-apache-spark 4.x/5.x) and the
# BaseOperator ones this DAG uses: an unknown keyword would fail at DAG import in Airflow.
SPARK_SUBMIT_PARAMS = {
    "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path",
    "jars", "java_class", "packages", "exclude_packages", "repositories",
    "total_executor_cores", "executor_cores", "executor_memory", "driver_memory", "keytab",
    "principal", "proxy_user", "name", "num_executors", "status_poll_interval",
    "application_args", "env_vars", "verbose", "spark_binary", "properties_file",
    "yarn_queue", "deploy_mode", "use_krb5ccache",
}
BASE_OPERATOR_PARAMS = {"task_id", "retries", "retry_delay", "execution_timeout", "owner"}


def literal(node):
    return ast.literal_eval(node)


class DagFile:
    """What the DAG file declares, read from its syntax tree."""

    def __init__(self, path):
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.imports = {}
        self.assigns = {}
        self.dag_call = None
        self.tasks = []  # (variable, stage) in file order
        self.chains = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    self.imports[a.asname or a.name] = node.module
            elif isinstance(node, ast.With):
                for item in node.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "DAG":
                        self.dag_call = call
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name):
                self.assigns[node.targets[0].id] = node.value
                self._task(node.targets[0].id, node.value)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp):
                self.chains.append(self._flatten(node.value))

    def _task(self, var, value):
        if not (isinstance(value, ast.Call) and getattr(value.func, "id", None) == "SparkSubmitOperator"):
            return
        if value.args or len(value.keywords) != 1 or value.keywords[0].arg is not None:
            raise AssertionError(f"{var}: expected SparkSubmitOperator(**operator_kwargs(stage))")
        inner = value.keywords[0].value
        if not (isinstance(inner, ast.Call) and getattr(inner.func, "id", None) == "operator_kwargs"):
            raise AssertionError(f"{var}: keyword arguments must come from operator_kwargs")
        self.tasks.append((var, literal(inner.args[0])))

    def _flatten(self, node):
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.RShift):
                raise AssertionError("dependencies must be written with >>")
            return self._flatten(node.left) + self._flatten(node.right)
        return [node.id]

    def dag_kwargs(self):
        return {k.arg: k.value for k in self.dag_call.keywords}


class DagStructureTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dag = DagFile(DAG_FILE)

    def test_imports_the_spark_submit_operator_and_the_plain_python_commands(self):
        self.assertEqual("airflow.providers.apache.spark.operators.spark_submit",
                         self.dag.imports.get("SparkSubmitOperator"))
        self.assertEqual("atlas_commands", self.dag.imports.get("operator_kwargs"))
        self.assertEqual("airflow", self.dag.imports.get("DAG"))

    def test_one_task_per_stage_in_the_pipeline_order(self):
        self.assertEqual(list(STAGES), [stage for _, stage in self.dag.tasks])
        for var, stage in self.dag.tasks:
            self.assertEqual(atlas_commands.task_id(stage), var,
                             "the variable is named after the task id")

    def test_the_stages_run_one_after_another(self):
        self.assertEqual(1, len(self.dag.chains), "one dependency chain")
        self.assertEqual([atlas_commands.task_id(s) for s in STAGES], self.dag.chains[0])

    def test_schedule_catchup_and_one_run_at_a_time(self):
        kw = self.dag.dag_kwargs()
        self.assertEqual("atlas_nightly", literal(kw["dag_id"]))
        self.assertIn("catchup", kw, "catchup must be explicit")
        self.assertIs(False, literal(kw["catchup"]))
        self.assertEqual(1, literal(kw["max_active_runs"]))
        schedule = literal(kw["schedule"])
        self.assertRegex(schedule, r"^\S+ \S+ \S+ \S+ \S+$", "a daily cron expression")
        self.assertEqual("*", schedule.split()[2], "runs every day")
        self.assertIn("start_date", kw)

    def test_retries_and_timeouts_come_from_default_args(self):
        kw = self.dag.dag_kwargs()
        self.assertEqual("default_args", kw["default_args"].id)
        args = self.dag.assigns["default_args"]
        keys = {literal(k): v for k, v in zip(args.keys, args.values)}
        self.assertGreaterEqual(literal(keys["retries"]), 1)
        for key in ("retry_delay", "execution_timeout"):
            self.assertEqual("timedelta", keys[key].func.id, key)
        self.assertTrue(set(keys) <= BASE_OPERATOR_PARAMS | {"retry_exponential_backoff",
                                                             "depends_on_past"}, keys)

    def test_operator_arguments_are_ones_the_operator_accepts(self):
        for stage in STAGES:
            kw = atlas_commands.operator_kwargs(stage, {})
            unknown = set(kw) - SPARK_SUBMIT_PARAMS - BASE_OPERATOR_PARAMS
            self.assertEqual(set(), unknown, stage)
            self.assertEqual("org.subnetatlas.jobs.AtlasCli", kw["java_class"])
            self.assertEqual(atlas_commands.task_id(stage), kw["task_id"])
            args = kw["application_args"]
            self.assertEqual(stage, args[0])
            self.assertEqual("{{ ds }}", args[args.index("--date") + 1], "the run's date")
            self.assertIn("{{ ds }}", kw["name"], "templated fields carry the date")


class CommandLineTest(unittest.TestCase):

    ENV = {"ATLAS_ENV": "cluster", "ATLAS_JAR": "/opt/atlas/atlas-jobs-shaded.jar",
           "ATLAS_CONF_DIR": "/opt/atlas/conf"}

    def test_the_exact_command_line_of_one_task(self):
        self.assertEqual(
            ["spark-submit", "--master", "spark://10.0.0.5:7077",
             "--properties-file", "/opt/atlas/conf/cluster.properties",
             "--name", "atlas-evaluate-2026-11-30",
             "--class", "org.subnetatlas.jobs.AtlasCli", "/opt/atlas/atlas-jobs-shaded.jar",
             "evaluate", "--profile", "cluster", "--date", "2026-11-30"],
            atlas_commands.command_line("evaluate", "2026-11-30", "spark://10.0.0.5:7077",
                                        self.ENV))

    def test_the_environment_selects_the_properties_file_and_profile(self):
        for env in ("cluster", "s3", "local"):
            cmd = atlas_commands.command_line("sample", "2026-12-01", "spark://m:7077",
                                              dict(self.ENV, ATLAS_ENV=env))
            self.assertEqual(f"/opt/atlas/conf/{env}.properties",
                             cmd[cmd.index("--properties-file") + 1])
            self.assertEqual(env, cmd[cmd.index("--profile") + 1])

    def test_every_stage_gets_the_date_and_nothing_is_left_templated(self):
        for stage in STAGES:
            cmd = atlas_commands.command_line(stage, "2026-12-01", "spark://m:7077", self.ENV)
            self.assertEqual(["--date", "2026-12-01"], cmd[-2:], stage)
            self.assertFalse([a for a in cmd if "{{" in a], stage)

    def test_the_repository_has_a_properties_file_for_the_default_environment(self):
        profile = atlas_commands.settings({})["profile"]
        self.assertTrue((HERE.parent / "conf" / f"{profile}.properties").is_file(), profile)

    def test_a_bad_environment_name_or_stage_is_refused(self):
        with self.assertRaisesRegex(ValueError, "ATLAS_ENV='../etc'"):
            atlas_commands.settings({"ATLAS_ENV": "../etc"})
        with self.assertRaisesRegex(ValueError, "unknown stage 'train'"):
            atlas_commands.application_args("train", "cluster")


@unittest.skipUnless(os.environ.get("ATLAS_DAG_RUN") == "1",
                     "runs spark-submit against the local cluster; set ATLAS_DAG_RUN=1")
class DagCommandsOnClusterTest(unittest.TestCase):

    def test_the_dags_command_lines_succeed_for_one_date(self):
        import run_dag_commands
        report = run_dag_commands.main(["--date", os.environ.get("ATLAS_DAG_DATE", "2026-11-29")])
        ran = [r for r in report if r["status"] != "not in this build"]
        self.assertTrue(ran, "at least one stage exists")
        for r in report:
            self.assertIn(r["status"], ("ok", "not in this build"), r)
        self.assertTrue(all(re.search(r"--date \d{4}-\d\d-\d\d$", " ".join(r["command"]))
                            for r in report))


if __name__ == "__main__":
    unittest.main()
