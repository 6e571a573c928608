"""newsflow's HTTP API: push pages in, ask where they are, search, export, health and metrics.

``services.api.app.create_app(settings)`` builds the FastAPI application;
``newsflow api`` serves it with uvicorn.
"""
