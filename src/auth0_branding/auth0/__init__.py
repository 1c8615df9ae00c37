"""auth0."""
