"""What every front end shares: atomic file storage, the language tables, number formats.

Layer: just above the engine (it uses only the engine's error types); the workshop, the
authoring tools and the game build on it. No pygame: the Pygame game, the workshop's
exports and the browser all read the same bilingual tables (``locales/``) through ``i18n``.
"""
