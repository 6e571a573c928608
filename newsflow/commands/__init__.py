"""The ``newsflow`` commands, one module per group; ``newsflow.cli`` assembles them into one app.

Each command parses its arguments, calls a function of a service (or of the
local stack, the bench, the evaluation) and prints the result; the work itself
lives in those functions so the HTTP API and tests can call it too.
"""
