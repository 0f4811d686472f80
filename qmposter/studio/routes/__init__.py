"""The studio's pages and endpoints, one module per page."""
