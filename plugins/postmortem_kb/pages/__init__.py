"""Pages: the HTML and Markdown the plugin renders, from records and settings.

No MkDocs import. HTML comes from the autoescaping Jinja templates in `templates/postmortems/`
(see `render.py`); links come from a `Link` callable the plugin provides.
"""
