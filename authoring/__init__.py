"""Tools for scenario authors that are not simulation: the HTML balance report.

Layer: above the engine (which computes the numbers: ``lesson_table``, ``sensitivity``) and
the base; the command line's ``balance --html`` uses it. No pygame.
"""
