"""Renderers: HTML, Markdown and PDF from Jinja2 templates; CSV, XLSX and ICS writers."""
