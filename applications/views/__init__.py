"""Views of the applications app, one module per audience: ``candidate``, ``staff``, ``department``."""
