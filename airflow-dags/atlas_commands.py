"""What the atlas_nightly DAG submits, in plain Python (no Airflow import).

The DAG file builds one SparkSubmitOperator per stage from ``operator_kwargs``; a test builds the
exact spark-submit command line of each task from ``command_line`` and can run it against a
cluster. Keeping both here means the DAG and its test can never disagree on what is submitted.

Deployment settings come from the environment of the Airflow scheduler and workers:

  ATLAS_ENV       properties profile: conf/<ATLAS_ENV>.properties (default: cluster)
  ATLAS_JAR       the shaded jar on the Airflow worker (default: /opt/atlas/atlas-jobs-shaded.jar)
  ATLAS_CONF_DIR  folder with the profiles (default: /opt/atlas/conf)
  ATLAS_SPARK_CONN  Airflow connection holding the master URL (default: spark_atlas)
"""

import os
import zipfile
from pathlib import Path

# Where the jobs module keeps the nightly order: inside the jar, and in a source checkout.
STAGES_RESOURCE = "org/subnetatlas/jobs/nightly-stages.txt"
SOURCE_STAGES = Path(__file__).resolve().parent.parent / "jobs" / "src" / "main" / "resources" \
    / STAGES_RESOURCE


def parse_stages(text):
    """Stage names, one per line, ``#`` comments and blank lines skipped."""
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.strip().startswith("#"))


def nightly_stages(jar=None):
    """The nightly build, in order, as the jobs module declares it (``atlas nightly --list-stages``).

    Read from the jar the DAG submits, so the DAG and the driver cannot disagree; from the source
    checkout when that jar is not there (development and tests).
    """
    jar = jar or settings()["jar"]
    if os.path.isfile(jar):
        with zipfile.ZipFile(jar) as z:
            return parse_stages(z.read(STAGES_RESOURCE).decode("utf-8"))
    if SOURCE_STAGES.is_file():
        return parse_stages(SOURCE_STAGES.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"{jar}: no such jar, and no source checkout at {SOURCE_STAGES}")


MAIN_CLASS = "org.subnetatlas.jobs.AtlasCli"
DATE_TEMPLATE = "{{ ds }}"


def settings(environ=None):
    """The deployment settings, from ``environ`` (default: this process's environment)."""
    env = os.environ if environ is None else environ
    profile = env.get("ATLAS_ENV", "cluster")
    if not profile.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"ATLAS_ENV={profile!r}: not a profile name (conf/<name>.properties)")
    conf_dir = env.get("ATLAS_CONF_DIR", "/opt/atlas/conf")
    return {
        "profile": profile,
        "jar": env.get("ATLAS_JAR", "/opt/atlas/atlas-jobs-shaded.jar"),
        "conf_dir": conf_dir,
        "properties_file": os.path.join(conf_dir, profile + ".properties"),
        "conn_id": env.get("ATLAS_SPARK_CONN", "spark_atlas"),
    }


# The nightly build, in order (see nightly_stages).
STAGES = nightly_stages()


def task_id(stage):
    """Airflow task id of a stage: ``train-supernet`` -> ``train_supernet``."""
    return stage.replace("-", "_")


def application_args(stage, profile, date=DATE_TEMPLATE):
    """The atlas CLI arguments of one stage; ``date`` stays the ``{{ ds }}`` template in the DAG."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    return [stage, "--profile", profile, "--date", date]


def operator_kwargs(stage, environ=None):
    """Keyword arguments of the stage's SparkSubmitOperator (task_id included)."""
    s = settings(environ)
    return {
        "task_id": task_id(stage),
        "conn_id": s["conn_id"],
        "application": s["jar"],
        "java_class": MAIN_CLASS,
        "name": "atlas-" + stage + "-" + DATE_TEMPLATE,
        "properties_file": s["properties_file"],
        "application_args": application_args(stage, s["profile"]),
        # the driver reads its profile from ATLAS_CONF_DIR (the jar carries a copy as fallback)
        "env_vars": {"ATLAS_CONF_DIR": s["conf_dir"]},
    }


def command_line(stage, date, master, environ=None, spark_submit="spark-submit"):
    """The spark-submit command the stage's task runs for ``date`` on ``master``.

    Same options and order as Airflow's SparkSubmitHook builds them from ``operator_kwargs``
    (binary, --master from the connection, --properties-file, --name, --class, application,
    application arguments), with the ``{{ ds }}`` template rendered.
    """
    kw = operator_kwargs(stage, environ)

    def render(text):
        return text.replace(DATE_TEMPLATE, date)

    return (
        [spark_submit, "--master", master,
         "--properties-file", kw["properties_file"],
         "--name", render(kw["name"]),
         "--class", kw["java_class"],
         kw["application"]]
        + [render(a) for a in kw["application_args"]]
    )
