-- Remediation progress (docs/remediation.md): two marts that let the remediation pages read any
-- window of whole ISO weeks without touching the hazard rows. Both are keyed by street × category
-- × severity, the finest grain the district, street, category and severity views need; the
-- community and grid views read mart_hazard, filtered to one district or street.

-- mart_remediation_week: street × category × severity × ISO week of dim_week, one row wherever a
-- hazard was found, rectified or open that week (no row = all zeros). Flows are counted in the
-- week; stocks are read at the week's end (Sunday, S):
--   found, rectified     found / rectified from Monday to Sunday
--   rectified_on_time    rectified from Monday to Sunday, on or before its deadline (按期)
--   open_end             found by S and not rectified by S
--   carried_open_end     open at S and found before 1 January of the week's ISO year
--                        (往年结转未整改, as in mart_street_week)
--   overdue_end          open at S and its deadline before S (deadline < S)
--   open_0_7 … over_90   open at S, by whole days since found (S − found_date): 0–7, 8–30,
--                        31–90, over 90
--   supervised_<level>   open at S, a major hazard under supervision (挂牌督办) at that level
--   supervised_overdue   open at S, under supervision at any level, and overdue
-- Everything found by S is rectified by S or open at S, so the cumulative rectified count of a
-- window's end is (found up to S) − open_end: the page queries sum `found` over the weeks up
-- to S.
CREATE TABLE mart_remediation_week AS
WITH last AS (
    SELECT max(week_start) AS last_week FROM dim_week
),
-- One row per hazard and week at whose end it is open: from its found week to the week before
-- its rectified week (a hazard rectified in the week it was found is never open at a week's end).
open_weeks AS (
    SELECT street_code, district_code, category, severity, supervision_level, found_date, deadline,
           unnest(generate_series(found_week,
                                  least(rectified_week - INTERVAL 7 DAY, last_week),
                                  INTERVAL 7 DAY))::DATE AS week_start
    FROM mart_hazard, last
    WHERE found_week <= last_week AND rectified_week IS DISTINCT FROM found_week
),
open_at_end AS (
    SELECT street_code, district_code, category, severity, week_start,
           0 AS found, 0 AS rectified, 0 AS on_time,
           1 AS is_open,
           (found_date < make_date(isoyear(week_start), 1, 1))::INTEGER AS is_carried,
           (deadline < week_start + 6)::INTEGER AS is_overdue,
           week_start + 6 - found_date AS age,
           supervision_level
    FROM open_weeks
),
events AS (
    SELECT street_code, district_code, category, severity, found_week AS week_start,
           1 AS found, 0 AS rectified, 0 AS on_time, 0 AS is_open, 0 AS is_carried,
           0 AS is_overdue, NULL AS age, NULL AS supervision_level
    FROM mart_hazard, last WHERE found_week <= last_week
    UNION ALL
    SELECT street_code, district_code, category, severity, rectified_week,
           0, 1, (rectified_date <= deadline)::INTEGER, 0, 0, 0, NULL, NULL
    FROM mart_hazard, last WHERE rectified_week <= last_week
    UNION ALL
    SELECT * FROM open_at_end
),
counts AS (
    SELECT street_code, district_code, category, severity, week_start,
           sum(found) AS found,
           sum(rectified) AS rectified,
           sum(on_time) AS rectified_on_time,
           sum(is_open) AS open_end,
           sum(is_carried) AS carried_open_end,
           sum(is_overdue) AS overdue_end,
           count(*) FILTER (WHERE age <= 7) AS open_0_7,
           count(*) FILTER (WHERE age BETWEEN 8 AND 30) AS open_8_30,
           count(*) FILTER (WHERE age BETWEEN 31 AND 90) AS open_31_90,
           count(*) FILTER (WHERE age > 90) AS open_over_90,
           count(*) FILTER (WHERE supervision_level = 'county') AS supervised_county,
           count(*) FILTER (WHERE supervision_level = 'city') AS supervised_city,
           count(*) FILTER (WHERE supervision_level = 'province') AS supervised_province,
           count(*) FILTER (WHERE supervision_level IS NOT NULL AND is_overdue = 1)
               AS supervised_overdue
    FROM events
    GROUP BY ALL
)
SELECT c.street_code, c.district_code, c.category, c.severity, c.week_start, w.week_end,
       COLUMNS(c.* EXCLUDE (street_code, district_code, category, severity, week_start))::INTEGER
FROM counts c
JOIN dim_week w USING (week_start)
-- Week first: a page reads one week's stocks, or the weeks up to its window's end, and skips
-- the row groups of other weeks.
ORDER BY c.week_start;

-- mart_rectified: hazards rectified in a week of dim_week, counted by street × category ×
-- severity × week found × week rectified × whole days from found to rectified. Two figures of a
-- window of weeks [a, b] come from it, both from the rows with rectified_week between a and b
-- (hence the order): the cohort's rectified (found_week ≥ a as well), and the histogram of days
-- to rectify of the hazards rectified in the window, whose median and 90th percentile are exact
-- (days are whole numbers).
CREATE TABLE mart_rectified AS
SELECT street_code, district_code, category, severity, found_week, rectified_week,
       days_to_rectify, count(*)::INTEGER AS hazards
FROM mart_hazard
WHERE rectified_week <= (SELECT max(week_start) FROM dim_week)
GROUP BY ALL
ORDER BY rectified_week;

-- mart_supervised_hazard: the major hazards under supervision (挂牌督办), one row each with the
-- names of its places, so the follow-up list reads a few thousand rows instead of every hazard.
CREATE TABLE mart_supervised_hazard AS
SELECT h.hazard_id, h.supervision_level,
       CASE h.supervision_level WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END
           AS level_order,
       h.district_code, d.name_zh AS district_name,
       h.street_code, s.name_zh AS street_name,
       h.community_code, c.name_zh AS community_name,
       h.grid_code, h.category, h.found_date, h.deadline, h.rectified_date
FROM mart_hazard h
JOIN dim_district d USING (district_code)
JOIN dim_street s USING (street_code)
JOIN dim_community c USING (community_code)
WHERE h.supervision_level IS NOT NULL
ORDER BY h.found_date, h.hazard_id;

-- The two pieces every remediation page query shares, as table macros so they are written once.
-- Parameters: level ('all', 'city', 'district', 'street', 'community', 'grid', 'category',
-- 'severity') and the filters district, street, category, severity ('' for all), as the queries
-- take them.

-- remediation_groups: the rows of a result, zeros included: every place under the filters, or
-- every category or severity that occurs in the data ('all': one group; 'city': one group, the
-- city 410100 郑州市, as queries/figures.sql names it).
CREATE MACRO remediation_groups(p_level, p_district, p_street, p_category, p_severity) AS TABLE
    SELECT 'all' AS group_code, NULL::VARCHAR AS group_name,
           NULL::VARCHAR AS district_code, NULL::VARCHAR AS street_code
    WHERE p_level = 'all'
    UNION ALL
    SELECT '410100', '郑州市', NULL, NULL
    WHERE p_level = 'city'
    UNION ALL
    SELECT district_code, name_zh, district_code, NULL
    FROM dim_district
    WHERE p_level = 'district' AND (p_district = '' OR district_code = p_district)
      AND (p_street = '' OR district_code IN (
          SELECT district_code FROM dim_street WHERE street_code = p_street))
    UNION ALL
    SELECT street_code, name_zh, district_code, street_code
    FROM dim_street
    WHERE p_level = 'street' AND (p_district = '' OR district_code = p_district)
      AND (p_street = '' OR street_code = p_street)
    UNION ALL
    SELECT community_code, name_zh, district_code, street_code
    FROM dim_community
    WHERE p_level = 'community' AND (p_district = '' OR district_code = p_district)
      AND (p_street = '' OR street_code = p_street)
    UNION ALL
    SELECT grid_code, NULL, district_code, street_code
    FROM dim_grid
    WHERE p_level = 'grid' AND (p_district = '' OR district_code = p_district)
      AND street_code = p_street
    UNION ALL
    SELECT DISTINCT CASE p_level WHEN 'category' THEN category ELSE severity END, NULL, NULL, NULL
    FROM mart_remediation_week
    WHERE p_level IN ('category', 'severity')
      AND (p_category = '' OR category = p_category)
      AND (p_severity = '' OR severity = p_severity);

-- remediation_week_rows: the rows of mart_remediation_week under the filters, each labelled
-- with the group it counts towards (for city, district, street, category, severity and 'all').
CREATE MACRO remediation_week_rows(p_level, p_district, p_street, p_category, p_severity) AS TABLE
    SELECT CASE p_level WHEN 'district' THEN district_code WHEN 'street' THEN street_code
                        WHEN 'category' THEN category WHEN 'severity' THEN severity
                        WHEN 'city' THEN '410100' ELSE 'all' END AS group_code,
           *
    FROM mart_remediation_week
    WHERE (p_district = '' OR district_code = p_district)
      AND (p_street = '' OR street_code = p_street)
      AND (p_category = '' OR category = p_category)
      AND (p_severity = '' OR severity = p_severity);
