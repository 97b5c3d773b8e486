"""Which tables a request wrote to, read from the SQL it ran (Django's CaptureQueriesContext)."""

import re

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def tables_written(captured_queries: list[dict]) -> set[str]:
    # pghistory sends its context and the write as one string, joined by ";".
    statements = [part for q in captured_queries for part in q["sql"].split(";")]
    return {m.group(1) for sql in statements if (m := WRITE.match(sql))}
