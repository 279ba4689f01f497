"""Start (or join) the Spark session of a ``spark-score`` run.

Under ``spark-submit`` the session comes from the submit command (master, memory, files);
run directly, the CLI starts a local one (``--master local[*]`` by default) whose Python
workers use this interpreter, so they import the same ``botcomments``.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "botcomments spark-score"


def quiet_pandas_notice() -> None:
    """Hide PySpark's notice about pandas 3 (its Arrow UDFs, used here, do not use pandas)."""
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                            category=FutureWarning)


def launched_by_spark_submit() -> bool:
    """Whether this Python process was started by ``spark-submit`` (or ``pyspark``)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def start_session(master: str | None = None, conf: Mapping[str, str] | None = None
                  ) -> SparkSession:
    """The Spark session for a job.

    Args:
        master: Spark master URL; None: the ``spark-submit`` one, else ``local[*]``.
        conf: Extra Spark settings (``spark.executor.memory`` ...).

    Returns:
        The session.
    """
    from pyspark.sql import SparkSession

    quiet_pandas_notice()
    logging.getLogger("py4j").setLevel(logging.WARNING)  # "Closing down clientserver ..."
    builder = SparkSession.builder.appName(APP_NAME)
    if master is None and not launched_by_spark_submit():
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            builder = builder.config("spark.pyspark.python", sys.executable)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session
