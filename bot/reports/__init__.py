"""Reports for organizers: the campaign stats, the CSV/JSON exports, the names of recipients
they share, and the daily chart.

A package of its own because these four use cases read the same data the same way (aggregates
in the store, labels here) and none of them is needed by a supporter's conversation; the SQL
they run lives in bot/store/ (reports.py, stats_queries.py, export_queries.py).
"""
