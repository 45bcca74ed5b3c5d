"""Results summaries for annual reports and donors: tables, charts, a map, exports."""
