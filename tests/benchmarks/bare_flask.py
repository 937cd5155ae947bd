"""The baseline for tests.benchmarks.page_throughput: a bare Flask app answering one small
page, served by the same gunicorn as the shop."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """A tiny HTML page."""
    return "<!doctype html><title>Hello</title><p>Hello, World!</p>"
