"""Tests of the nightly DAG without Airflow (it cannot be installed here).

  python3 -m unittest discover -s airflow-dags -p 'test_*.py'      structure + command lines

The structural tests read atlas_nightly.py with ``ast`` and run it against recording stand-ins for
the Airflow names it imports (Airflow cannot be installed here), and check what Airflow would build
from it: task ids, their order (the jobs module's nightly-stages.txt), operator arguments,
schedule, catchup, max_active_runs and retries. The command-line tests check the exact spark-submit lines.

  ATLAS_DAG_RUN=1 python3 -m unittest test_atlas_nightly.DagCommandsOnClusterTest

runs the DAG's own command lines for one date against the local standalone cluster
(bin/local-cluster.sh start first); see run_dag_commands.py.
"""

import ast
import os
import re
import sys
import tempfile
import types
import unittest
import zipfile
from pathlib import Path
from unittest import mock

import atlas_commands
from atlas_commands import SOURCE_STAGES, STAGES

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

    def dag_kwargs(self):
        return {k.arg: k.value for k in self.dag_call.keywords}


def run_dag_file(path):
    """Runs the DAG file against stand-ins for the Airflow names it imports (Airflow cannot be
    installed here); they record each operator's keyword arguments and each ``>>`` edge."""
    operators, edges = [], []

    class Operator:
        def __init__(self, **kwargs):
            self.kwargs = kwargs
            operators.append(kwargs)

        def __rshift__(self, other):
            edges.append((self.kwargs["task_id"], other.kwargs["task_id"]))
            return other

    class Dag:
        def __init__(self, **kwargs):
            self.kwargs = kwargs

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    stand_ins = {}
    for name in ("airflow", "airflow.providers", "airflow.providers.apache",
                 "airflow.providers.apache.spark", "airflow.providers.apache.spark.operators",
                 "airflow.providers.apache.spark.operators.spark_submit"):
        stand_ins[name] = types.ModuleType(name)
    stand_ins["airflow"].DAG = Dag
    stand_ins["airflow.providers.apache.spark.operators.spark_submit"].SparkSubmitOperator = Operator
    try:
        import pendulum  # noqa: F401
    except ImportError:
        stand_ins["pendulum"] = types.ModuleType("pendulum")
        stand_ins["pendulum"].datetime = lambda *a, **kw: (a, kw)
    with mock.patch.dict(sys.modules, stand_ins):
        exec(compile(path.read_text(), str(path), "exec"), {"__name__": "atlas_nightly"})
    return operators, edges


class DagStructureTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dag = DagFile(DAG_FILE)
        cls.operators, cls.edges = run_dag_file(DAG_FILE)

    def test_imports_the_spark_submit_operator_and_the_plain_python_commands(self):
        self.assertEqual("airflow.providers.apache.spark.operators.spark_submit",
                         self.dag.imports.get("SparkSubmitOperator"))
        self.assertEqual("atlas_commands", self.dag.imports.get("operator_kwargs"))
        self.assertEqual("airflow", self.dag.imports.get("DAG"))

    def test_one_task_per_stage_in_the_jobs_modules_order(self):
        self.assertEqual(list(atlas_commands.parse_stages(SOURCE_STAGES.read_text())),
                         [op["application_args"][0] for op in self.operators])
        for op in self.operators:
            self.assertEqual(atlas_commands.operator_kwargs(op["application_args"][0]), op)

    def test_the_stages_run_one_after_another(self):
        ids = [atlas_commands.task_id(s) for s in STAGES]
        self.assertEqual(list(zip(ids, ids[1:])), self.edges)

    def test_the_stage_list_is_read_from_the_jar_the_dag_submits(self):
        with tempfile.TemporaryDirectory() as tmp:
            jar = os.path.join(tmp, "atlas-jobs-shaded.jar")
            with zipfile.ZipFile(jar, "w") as z:
                z.writestr(atlas_commands.STAGES_RESOURCE, "# order\nsample\n\nrelease\n")
            self.assertEqual(("sample", "release"), atlas_commands.nightly_stages(jar))
        self.assertEqual(STAGES, atlas_commands.nightly_stages("/no/such/atlas.jar"),
                         "without the jar, the source checkout's list")

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
