"""The ``spark-submit`` entry point of ``spark-score``.

``python -m botcomments.cli.spark_submit`` prints this file's path, the application file
``spark-submit`` wants; run by ``spark-submit`` the file scores like ``botcomments
spark-score`` (same arguments).

Example:
    spark-submit --master yarn "$(python -m botcomments.cli.spark_submit)" archive/ --out out/
"""

from __future__ import annotations

import sys

from botcomments.cli import main

if __name__ == "__main__":
    from botcomments.spark.session import launched_by_spark_submit

    if launched_by_spark_submit():
        sys.exit(main(["spark-score", *sys.argv[1:]]))
    print(__file__)
