"""Markdown of the trends page and the home-page chart marker (no pandas: the plugin imports
the analytics layer only when `analytics` is on)."""

TRENDS_MARKDOWN = """---
title: Trends
search:
  exclude: true
---

# Incident trends

<div data-pmkb-slot="trends"></div>
"""
HOME_MARKER = "<!-- postmortems:charts -->"
