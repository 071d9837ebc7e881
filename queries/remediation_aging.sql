-- Open hazards by age at the end of a week, one row per group and age bucket (for stacked bars):
-- whole days from found to that Sunday, 0–7, 8–30, 31–90 and over 90.
--   $level      'all' (one group) | 'district' | 'street' | 'category' | 'severity'
--   $district   a unit's code, or '' for the whole city
--   $street     a street's code, or '' for every street (of $district)
--   $category   a hazard category, or '' for all
--   $severity   'general' | 'major', or '' for both
--   $last       a date: ages are read on the Sunday of its week (at most the last whole week);
--               as_of_date says which
-- Reads one week of mart_remediation_week.
-- example: {"level": "district", "district": "", "street": "", "category": "", "severity": "", "last": "2026-11-29"}
WITH win AS (
    SELECT least(date_trunc('week', $last::DATE)::DATE, max(week_start)) AS b FROM dim_week
),
guard AS (
    SELECT CASE
        WHEN $level NOT IN ('all', 'district', 'street', 'category', 'severity')
            THEN error('remediation_aging: $level must be '
                       || 'all, district, street, category or severity')
        WHEN b IS NULL OR b < (SELECT min(week_start) FROM dim_week)
            THEN error('remediation_aging: $last is before the first week of the data')
        ELSE true
    END AS ok
    FROM win
),
groups AS (
    SELECT group_code, group_name
    FROM remediation_groups($level, $district, $street, $category, $severity)
),
stock AS (
    SELECT r.group_code,
           sum(r.open_0_7) AS b1, sum(r.open_8_30) AS b2,
           sum(r.open_31_90) AS b3, sum(r.open_over_90) AS b4
    FROM remediation_week_rows($level, $district, $street, $category, $severity) r, win
    WHERE r.week_start = win.b
    GROUP BY ALL
),
-- One row per group and bucket (bucket labels as mart_hazard.age_bucket).
long AS (
    SELECT g.group_code, g.group_name, k.*,
           coalesce(CASE k.bucket_order WHEN 1 THEN s.b1 WHEN 2 THEN s.b2 WHEN 3 THEN s.b3
                                        ELSE s.b4 END, 0) AS open_hazards,
           coalesce(s.b1 + s.b2 + s.b3 + s.b4, 0) AS open_total
    FROM groups g
    CROSS JOIN (VALUES (1, '0-7', 0, 7), (2, '8-30', 8, 30), (3, '31-90', 31, 90),
                       (4, '>90', 91, NULL)) k(bucket_order, bucket, days_from, days_to)
    LEFT JOIN stock s USING (group_code)
)
SELECT $level AS level, l.group_code, l.group_name, win.b + 6 AS as_of_date,
       l.bucket, l.bucket_order, l.days_from, l.days_to,
       l.open_hazards::INTEGER AS open_hazards,
       l.open_total::INTEGER AS open_total,
       l.open_hazards / nullif(l.open_total, 0) AS share
FROM long l
CROSS JOIN win
CROSS JOIN guard
WHERE guard.ok
ORDER BY l.group_code, l.bucket_order;
