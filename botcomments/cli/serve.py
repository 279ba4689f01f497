"""``botcomments serve``: the HTTP service (FastAPI on uvicorn; the ``serve`` extra).

Example:
    botcomments serve --model models/default --port 8000 --token "$BOTCOMMENTS_TOKEN"
"""

from __future__ import annotations

import argparse
import os
import sys

from botcomments.cli.checks import probability
from botcomments.cli.score import add_device_options, build_scorer


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand."""
    p = subparsers.add_parser(
        "serve", help="HTTP service: batch scoring and live room sessions (docs at /docs)",
        description="Serve POST /v1/score, POST /v1/rooms/{room}/comments, "
        "GET|DELETE /v1/rooms/{room}, GET /healthz, GET /metrics. Needs the serve extra: "
        "pip install 'botcomments[serve]'.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--model", default=None, help="model folder (default: models/default)")
    p.add_argument("--no-model", action="store_true", help="detectors + rules, no text model")
    p.add_argument("--threshold", type=probability, default=None,
                   help="decision threshold on bot_score, in (0, 1)")
    p.add_argument("--token", default=os.environ.get("BOTCOMMENTS_TOKEN"),
                   help="bearer token required on /v1 (default: $BOTCOMMENTS_TOKEN; none "
                        "= open)")
    p.add_argument("--max-body-bytes", type=int, default=4 * 1024 * 1024,
                   help="largest request body (default 4 MiB)")
    p.add_argument("--max-comments", type=int, default=10_000,
                   help="most comments per request (default 10,000)")
    p.add_argument("--max-rooms", type=int, default=10_000,
                   help="live rooms held; beyond it the least recently fed is closed")
    p.add_argument("--keep-alive", type=float, default=30.0,
                   help="seconds an idle client connection is kept open (default 30; keep "
                        "it above your clients' pool expiry, or reused connections fail)")
    add_device_options(p)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the model once and serve until interrupted.

    Args:
        args: Parsed arguments.

    Returns:
        0 after a clean shutdown, 2 when the extra is missing or the model cannot load.
    """
    try:
        import uvicorn

        from botcomments.service.app import ServiceSettings, create_app
    except ImportError as exc:
        print(f"error: {exc.name} is not installed; pip install 'botcomments[serve]'",
              file=sys.stderr)
        return 2
    if args.model is not None:
        from pathlib import Path

        args.model = Path(args.model)
    try:
        settings = ServiceSettings(args.max_body_bytes, args.max_comments, args.max_rooms,
                                   args.token)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    scorer = build_scorer(args)
    if scorer is None:
        return 2
    uvicorn.run(create_app(scorer, settings), host=args.host, port=args.port,
                log_level="info", timeout_keep_alive=args.keep_alive)
    return 0
