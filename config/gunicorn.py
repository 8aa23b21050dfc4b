"""Gunicorn settings for production (`gunicorn -c config/gunicorn.py config.wsgi`).

Sync workers, one per core plus one by default: pages are CPU-bound Python, not waiting on I/O.
Workers restart after a number of requests (with jitter) so slow memory growth never adds up."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Behind a proxy that sets X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
