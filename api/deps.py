"""Dependencies the routes declare (`Annotated[..., Depends(...)]`), so tests can swap them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from plankg.api.engine import Engine, EngineUnavailable
from plankg.api.settings import Settings


async def get_engine(request: Request) -> Engine:
    # async: a plain def would be run in a thread of the pool, a hop per request for an attribute read
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        raise EngineUnavailable("the query engine is not running")
    return engine


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
