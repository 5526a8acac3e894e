"""One module per command group; each is imported only when one of its commands runs."""
