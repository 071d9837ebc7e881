-- The hazards still open at the end of the chosen week in a street, community or grid: the
-- inspector's follow-up list, most overdue first (docs/drill-down.md).
--   $street     the street's code (always given: it bounds the scan)
--   $community  a community of it, or '' for the whole street
--   $grid       a grid of it, or '' for the whole community (or street)
--   $week       Monday of the chosen ISO week; the list is read at its Sunday (as_of_date)
--   $category   a hazard category, or '' for all
--   $severity   'general' | 'major', or '' for both
--   $overdue    true: only the hazards past their deadline
-- Reads mart_hazard, stored by place, so a street's list reads only its row groups.
-- example: {"street": "410105022", "community": "", "grid": "", "week": "2026-11-23", "category": "", "severity": "", "overdue": false}
-- example: {"street": "410105022", "community": "410105022001", "grid": "", "week": "2026-11-23", "category": "", "severity": "", "overdue": true}
-- the next example is one of the longest lists at province scale (246 hazards)
-- example: {"street": "410183004", "community": "", "grid": "", "week": "2026-11-23", "category": "", "severity": "", "overdue": false}
SELECT h.hazard_id, h.grid_code, g.name_zh AS grid_zh, g.name_en AS grid_en,
       h.community_code, c.name_zh AS community_zh,
       h.category, h.severity, h.source, h.supervision_level,
       h.found_date, h.deadline,
       $week::DATE + 6 AS as_of_date,
       ($week::DATE + 6 - h.found_date)::INTEGER AS days_open,
       greatest($week::DATE + 6 - h.deadline, 0)::INTEGER AS days_overdue
FROM mart_hazard h
-- the street's communities only: a hash table of a few rows, not of the city's communities
JOIN dim_community c ON c.community_code = h.community_code AND c.street_code = $street
JOIN dim_grid g ON g.grid_code = h.grid_code AND g.street_code = $street
WHERE h.street_code = $street
  AND ($community = '' OR h.community_code = $community)
  AND ($grid = '' OR h.grid_code = $grid)
  AND h.found_date <= $week::DATE + 6
  AND (h.rectified_date IS NULL OR h.rectified_date > $week::DATE + 6)
  AND ($category = '' OR h.category = $category)
  AND ($severity = '' OR h.severity = $severity)
  AND (NOT $overdue OR h.deadline < $week::DATE + 6)
ORDER BY days_overdue DESC, days_open DESC, h.hazard_id;
