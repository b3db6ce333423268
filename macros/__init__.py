"""Page generation: typed functions that turn the loaded protocol into Markdown/HTML.

Only ``main.py`` knows about mkdocs-macros; everything else takes a
``decision_aid.Protocol`` and returns text, so a move to another site generator
replaces only that glue.
"""
