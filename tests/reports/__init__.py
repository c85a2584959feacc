"""Tests of bot/reports: stats, exports, recipients and the chart."""
