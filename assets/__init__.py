"""Data files of the game: the pygame_gui theme and the licences of bundled assets."""
