"""``python -m tests.chaos.warc_paced_worker worker ...``: ``newsdesk worker`` whose WARC readers hold back early.

A reader holds back while the processing queue is deeper than
``workers.warc_ingest.MAX_QUEUED_TASKS`` (50 tasks in production: a 1 GB
file is read at the pace of processing).  This wrapper lowers the bound to two
tasks before the CLI starts, so a file of a few hundred records is read at the
pace of one processing worker and a test can kill its reader mid-file.
"""

from __future__ import annotations

import sys

import workers.warc_ingest
from newsdesk.cli import main

PACED_QUEUE_TASKS = 2

if __name__ == "__main__":
    workers.warc_ingest.MAX_QUEUED_TASKS = PACED_QUEUE_TASKS
    sys.exit(main(sys.argv[1:]))
