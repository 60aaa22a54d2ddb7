"""Switchyard's Python client (standard library only): seed 000's methods and a worker loop.

    from switchyard import Client
    sy = Client("http://localhost:3000")
    sy.register_agent(["writing"])
    sy.run_worker(lambda task: f"done: {task['name']}")
"""
from .client import Client
from .errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
)

__all__ = [
    "Client",
    "ApiError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "NetworkError",
    "NotFoundError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "ServerError",
    "UnauthorizedError",
]
__version__ = "0.1.0"
