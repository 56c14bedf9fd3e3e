"""The companion's local web page (``airlock-companion web``): Starlette + uvicorn on 127.0.0.1."""
