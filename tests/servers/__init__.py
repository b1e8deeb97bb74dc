"""HTTP servers the tests start on 127.0.0.1 (random free port, stopped at teardown)."""
