"""The Pygame front end of KAM Sandbox. Nothing here runs at import time, except keeping
pygame's import banner out of the player's terminal."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
