"""Resources: PostgreSQL, Redis and Socket.IO, built from the settings by `build.py`."""

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource

__all__ = ["PostgresResource", "RedisResource", "SocketIOResource"]
