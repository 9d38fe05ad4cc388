"""``python -m kam_sandbox`` is the ``kam-sandbox`` command."""

from kam_sandbox.cli import main

raise SystemExit(main())
