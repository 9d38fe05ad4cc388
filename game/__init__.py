"""The Pygame front end of KAM Sandbox: the app loop, scenes, widgets, charts, saves.

Layer: the top one below the command line. It uses the engine for the game, the base for
storage, strings and number formats, and the workshop for the console and team play.
Scenes reach each other through the app, never by importing each other. Nothing here runs
at import time, except keeping pygame's import banner out of the player's terminal."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
