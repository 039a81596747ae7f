"""`make bench` only: the site's settings with the bench's URLconf (bin/bench_urls.py), which
adds the ceiling's pages. bin/bench.py serves gunicorn with this module (and this folder on
PYTHONPATH), so the ceiling never exists in the product."""

from engagement import settings as _site

globals().update({name: value for name, value in vars(_site).items() if name.isupper()})

ROOT_URLCONF = "bench_urls"
