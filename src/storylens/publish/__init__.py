"""Publish: what people read. Activity charts and Atom feeds shared with the web app, and the
static site (:func:`storylens.publish.site.build_site`)."""
