"""The storylens command line: thin commands over :mod:`storylens.pipeline` and
:mod:`storylens.queries`."""
