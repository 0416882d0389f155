"""A news site of ``--pages`` distinct articles and their sitemap, served by its own process until killed.

The multi-host chaos test starts it inside the crawler host's network namespace
(``ip netns exec``), so cutting that host's link to Redis leaves the site in reach,
as a crawler cut off from its Redis still reaches the web.  Writes its port to
``--port-file`` once it listens.

    python -m tests.support.site_process --pages 60 --port-file /tmp/site.port
"""

from __future__ import annotations

import argparse
import os
import threading
from pathlib import Path

from newsdesk.demo_server import RouteServer
from tests.support.pages import sitemap_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", type=Path, required=True)
    args = parser.parse_args()
    server = RouteServer(host=args.host)
    server.routes.update(sitemap_site(server.base_url, args.pages))
    with server:
        temporary = args.port_file.with_suffix(".tmp")
        temporary.write_text(str(server.httpd.server_address[1]), encoding="utf-8")
        os.replace(temporary, args.port_file)
        threading.Event().wait()  # serve until the test kills this process


if __name__ == "__main__":
    main()
