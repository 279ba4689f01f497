"""HTTP service (the ``serve`` extra): :func:`botcomments.service.app.create_app`."""
