"""The FastAPI application: create_app(settings) wires the engine, the routers and the docs.

One router per area (api/routes/); to add one (the question answerer's /api/ask, say), import it
and add it to ROUTERS below: that is the whole change.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from plankg.api.engine import Engine, EngineError
from plankg.api.routes import ask, checks, ld, ontology_doc, pages, rest, sparql, viz
from plankg.api.settings import Settings
from starlette.exceptions import HTTPException as StarletteHTTPException

from plankg import __version__

log = logging.getLogger("plankg.api")

ROUTERS = [
    sparql.router,
    rest.router,
    ld.router,
    pages.router,
    ask.router,
    checks.router,
    ontology_doc.router,
    viz.router,
]

STATIC_DIR = Path(__file__).resolve().parent / "static"
DESCRIPTION = """\
plankg serves Chinese government work plans as a knowledge graph.

- **/sparql**: SPARQL 1.1 Protocol (query by GET or POST; results by content negotiation).
- **/api/...**: canned queries with .json and .csv twins, units, platforms, tasks, coordination.
- **/id/...**: every IRI under https://w3id.org/plankg/id/ as HTML, Turtle or JSON-LD.
- **/viz/...**: the network views (coordination, platform, unit, plan) and the charts (matrix, load).
- **/exports/...**: the responsibility table (xlsx), the coordination network (GraphML, GEXF), the matrix (CSV).

Every query has a time limit (503 when exceeded) and a row cap (header `X-Plankg-Truncated`).
"""


def _swagger_assets() -> Path:
    """Swagger UI's files, shipped by the fastapi-offline package: /docs works with no internet."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = Engine(settings)
        await engine.start()
        app.state.engine = engine
        # the coordination matrix is read once the workers answer from memory, in the background, so that
        # /api/coordination answers at once
        warm = asyncio.create_task(_warm_up(engine))
        warm.add_done_callback(lambda task: task.cancelled() or task.exception())
        log.info("plankg: %d triples in memory, %d query workers", engine.stats.triples, settings.workers)
        try:
            yield
        finally:
            await engine.stop()

    app = FastAPI(
        title="plankg",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static/docs", StaticFiles(directory=_swagger_assets()), name="docs-static")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_docs(app)
    _add_error_handlers(app)
    return app


async def _warm_up(engine: Engine) -> None:
    await engine.wait_in_memory()
    await rest.coordination_data(engine)


def _add_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="plankg API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="plankg API",
            redoc_js_url="/static/docs/redoc.standalone.js",
            redoc_favicon_url="/static/favicon.svg",
            with_google_fonts=False,
        )


def _wants_text(request: Request) -> bool:
    return request.url.path.startswith("/sparql")


def _wants_page(request: Request) -> bool:
    from plankg.api.formats import wants_html

    path = request.url.path
    return not path.startswith(("/api", "/sparql", "/static", "/openapi")) and wants_html(
        request.headers.get("accept")
    )


def _add_error_handlers(app: FastAPI) -> None:
    """Errors as plain text on /sparql (as SPARQL servers answer), a page for browsers, JSON elsewhere."""

    def render(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
        if _wants_text(request):
            return PlainTextResponse(message + "\n", status_code=status, headers=headers)
        if _wants_page(request):
            return pages.error_page(request, status, message, headers)
        return JSONResponse({"detail": message}, status_code=status, headers=headers)

    @app.exception_handler(EngineError)
    async def engine_error(request: Request, exc: EngineError) -> Response:
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        return render(request, exc.status, str(exc), headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return render(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_text(request) or _wants_page(request):
            parts = ["; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())]
            return render(request, 422, parts[0])
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
