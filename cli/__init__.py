"""KAM Sandbox (大客户管理沙盘): a turn-based sales-training simulation of key account management.

This is the one name the distribution installs. Its layers, each importing only those below
it (the import contracts in pyproject.toml are checked by tests/test_architecture.py)::

    kam_sandbox             the ``kam-sandbox`` command line (cli, commands, workshop_cli)
    kam_sandbox.game        the Pygame front end: app, scenes, widgets, charts, saves
    kam_sandbox.workshop    facilitated workshops: session, host, HTTP server, client, exports
    kam_sandbox.authoring   tools for scenario authors: the HTML balance report
    kam_sandbox.base        shared by every front end: atomic storage, language tables, formats
    kam_sandbox.engine      the pure simulation library (numpy; never pygame)

``kam_sandbox.scenarios`` and ``kam_sandbox.assets`` hold data files only.
In the repository each layer keeps its own top-level folder (cli/ is this package).
"""
