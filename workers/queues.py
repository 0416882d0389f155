"""Queue and task names: the contract between producers (crawler, CLI) and workers."""

CRAWL_QUEUE = "newsdesk.crawl"
PROCESS_QUEUE = "newsdesk.process"
ALL_QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)

PROCESS_PAGE_TASK = "newsdesk.process_page"
CRAWL_SOURCE_TASK = "newsdesk.crawl_source"
NOOP_TASK = "newsdesk.noop"
