"""Check the classic MFA page: the widget script, its container and what Auth0 passes it.

The same checks as the change password page's, for Auth0's MFA widget. Only what both of
Auth0's documented templates do is an error; what only the login one does is a warning
(UNVERIFIED which of them a tenant needs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..auth0.contract import (
    MFA_PAGE_EXPECTED,
    MFA_PAGE_REQUIRED,
    MFA_WIDGET_CALL,
    MFA_WIDGET_SCRIPT,
)
from ..errors import Problem
from .registry import Subject, check

_CONTAINER = re.compile(r"\bcontainer\s*:\s*[\"']([^\"']+)[\"']")


@check("mfa-widget", kinds=("page",), names=("guardian_mfa_page",))
def _mfa_widget(subject: Subject) -> Iterator[Problem]:
    text, where = subject.artifact.content, subject.where
    if MFA_WIDGET_SCRIPT not in text:
        yield Problem("error", "mfa-widget",
                      f"the MFA page does not load Auth0's MFA widget; add <script src=\"https://"
                      f"{MFA_WIDGET_SCRIPT}1.2.1.min.js\"></script>", where.file)
    if MFA_WIDGET_CALL not in text:
        yield Problem("error", "mfa-widget",
                      f"the MFA page never calls {MFA_WIDGET_CALL}{{...}}); add it after the "
                      "widget script", where.file)
        return
    call = where.find("Auth0MFAWidget")
    container = _CONTAINER.search(text)
    if container is None:
        yield Problem("error", "mfa-widget",
                      "Auth0MFAWidget is not told its container, so the widget draws nowhere; "
                      "pass container: \"<id of an element>\"", call)
    elif not re.search(rf"\bid=[\"']{re.escape(container.group(1))}[\"']", text):
        yield Problem("error", "mfa-widget",
                      f"Auth0MFAWidget draws into #{container.group(1)}, which the page lacks; "
                      f"add <div id=\"{container.group(1)}\"></div>",
                      where.find(container.group(0)))
    names = subject.usage.variable_names
    for variable in MFA_PAGE_REQUIRED:
        if variable not in names:
            yield Problem("error", "missing-placeholder",
                          f"Auth0MFAWidget is not given {{{{ {variable} }}}}; pass "
                          f"{variable}: \"{{{{ {variable} }}}}\"", call)
    for variable in MFA_PAGE_EXPECTED:
        if variable not in names:
            yield Problem("warning", "missing-placeholder",
                          f"Auth0MFAWidget is not given {{{{ {variable} }}}}, which Auth0's "
                          f"template for login passes (UNVERIFIED: needed unless the page only "
                          f"enrols); pass {variable}: \"{{{{ {variable} }}}}\"", call)
