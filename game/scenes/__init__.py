"""The game's scenes (screens), one module each; see game.app.Scene for their lifecycle.

A scene never imports another scene: it opens the next screen by name through the app's
stack (``app.push("library")``, ``app.replace("results", session, result)``), and
``game.navigation`` maps the names to the classes. What several screens share lives beside
this package (``game.draw``, ``game.palette``, ``game.widgets``, ``game.team_bar``…)."""
