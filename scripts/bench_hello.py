"""The framework's ceiling for `make bench`: Flask answering "Hello, World!"."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
