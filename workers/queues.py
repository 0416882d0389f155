"""Queue and task names: the contract between producers (crawler, CLI) and workers."""

CRAWL_QUEUE = "newsdesk.crawl"
PROCESS_QUEUE = "newsdesk.process"
ALL_QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)

PROCESS_PAGE_TASK = "newsdesk.process_page"
# Several pages in one message: the queue's per-task cost is paid once per batch.
PROCESS_BATCH_TASK = "newsdesk.process_batch"
CRAWL_SOURCE_TASK = "newsdesk.crawl_source"
# One WARC file read into the processing queue, a slice at a time (workers/warc_tasks.py).
WARC_FILE_TASK = "newsdesk.ingest_warc_file"
NOOP_TASK = "newsdesk.noop"
