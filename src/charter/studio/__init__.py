"""`charter studio`: a local web app over one spec project (starlette, Jinja2 pages).

The pages read and write through `charter.review`, `charter.report`, `charter.clarify`,
`charter.version` and `charter.conflict`; this package adds the screens and their guard (a
secret token on every request, CSRF on every write, a CSP without inline script). starlette
and uvicorn come with the `studio` extra and are imported only when the studio starts.
"""

from charter.studio._serve import build, is_loopback, serve
from charter.studio._workspace import EditConflict, StudioError, Workspace

__all__ = ["EditConflict", "StudioError", "Workspace", "build", "is_loopback", "serve"]
