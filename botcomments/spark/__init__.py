"""Score archives too large for one machine on Apache Spark (``pip install 'botcomments[spark]'``).

``botcomments spark-score INPUT... --out DIR`` reads every input file in its own task
with the single-machine readers, scores each distinct text once with the text model in
parallel, and scores rooms shard by shard with cross-room memory carried from room to room
(:mod:`botcomments.spark.job`). Outputs: ``comments/``, ``rooms/`` and ``rejects/`` as
Parquet, ``summary.json``.
"""
