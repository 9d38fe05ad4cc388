"""The game's scenes (screens), one module each; see game.app.Scene for their lifecycle."""
