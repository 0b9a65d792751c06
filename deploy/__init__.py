"""Serving the dashboard to many viewers: N Streamlit replicas behind nginx.

`deploy.serve` starts the replicas and nginx for `make serve` (and for the load test and the
tests, through the same code), renders the one nginx template (`nginx.conf.template`) and is the
entry point of the containers (`Dockerfile`, `compose.yaml`). It imports no project stage: it
runs `streamlit_app.py` as a program.
"""
