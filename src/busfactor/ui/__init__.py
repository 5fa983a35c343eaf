"""The Textual front end: the only package that imports textual.

`busfactor.ui.app.run_tui` is the entry point; `make_app` builds the app for tests and screenshots.
"""
