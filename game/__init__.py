"""The Pygame front end of KAM Sandbox. Nothing here runs at import time."""
