"""``python -m kam_sandbox`` is the ``kam-sandbox`` command."""

from .cli import main

raise SystemExit(main())
