"""The web app and the REST API (FastAPI + Jinja2): ``create_app`` in :mod:`storylens.web.app`.

Imported only by ``storylens serve`` and by scripts, never on the path of ``storylens --help``.
"""
