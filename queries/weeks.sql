-- The weeks a page can be set to, newest first.
-- example: {}
SELECT week_start, week_end, iso_year, iso_week
FROM dim_week
ORDER BY week_start DESC;
