"""Pages: HTML and Markdown for what the plugin renders, from records and settings.

Pure functions, no MkDocs import. Everything that comes from front matter goes
through `html.esc`; links come from a `Link` callable the plugin provides.
"""
