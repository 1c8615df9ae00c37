"""Auth0's contract as data: limits, template and page variables, the theme schema, scopes.

Imported alike by the build, the checks, the publisher and the emulator.
"""
