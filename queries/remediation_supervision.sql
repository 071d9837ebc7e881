-- Major hazards under supervision (挂牌督办) still open at the end of a week: the follow-up
-- list, highest supervision level first, then the longest overdue, then the oldest.
--   $district     a unit's code, or '' for the whole city
--   $street       a street's code, or '' for every street (of $district)
--   $supervision  'county' | 'city' | 'province', or '' for every level
--   $last         a date: the list is read on the Sunday of its week (at most the last whole
--                 week); as_of_date says which
-- At most 500 rows; listed_of says how many there are in all. Reads mart_supervised_hazard.
-- example: {"district": "", "street": "", "supervision": "", "last": "2026-11-29"}
WITH win AS (
    SELECT least(date_trunc('week', $last::DATE)::DATE, max(week_start)) + 6 AS l FROM dim_week
)
SELECT h.hazard_id, h.supervision_level, h.level_order,
       h.district_code, h.district_name, h.street_code, h.street_name,
       h.community_code, h.community_name, h.grid_code, h.category,
       h.found_date, h.deadline,
       win.l AS as_of_date,
       (win.l - h.found_date)::INTEGER AS days_open,
       h.deadline < win.l AS overdue,
       greatest(win.l - h.deadline, 0)::INTEGER AS days_overdue,
       count(*) OVER () AS listed_of
FROM mart_supervised_hazard h, win
WHERE h.found_date <= win.l
  AND (h.rectified_date IS NULL OR h.rectified_date > win.l)
  AND ($supervision = '' OR h.supervision_level = $supervision)
  AND ($district = '' OR h.district_code = $district)
  AND ($street = '' OR h.street_code = $street)
ORDER BY h.level_order, days_overdue DESC, h.found_date, h.hazard_id
LIMIT 500;
