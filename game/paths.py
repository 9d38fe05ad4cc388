"""Where the game keeps its files. Light on imports: the splash screen needs it before the
engine has loaded."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "kam-sandbox"
ENV_VAR = "KAM_SANDBOX_DATA"


def default_folder() -> Path:
    """The user's KAM Sandbox data folder; ``$KAM_SANDBOX_DATA`` overrides it."""

    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)
