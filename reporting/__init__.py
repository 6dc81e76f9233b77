"""From asv results to what people read: the summary table, the report, the review, the landing page."""
