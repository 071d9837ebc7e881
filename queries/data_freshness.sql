-- Every raw table as the served warehouse holds it (stg_*, the rows as staged): its rows and the
-- period its main date covers (hazards found, patrol weeks, drills held, whistle calls, teams
-- founded, risk assessments); first_day and last_day are NULL for a table without one. One row
-- per table of safetynet/warehouse/schema.py, in its order. For the data page (数据).
-- example: {}
SELECT 1 AS position, 'districts' AS table_name, count(*) AS row_count,
       NULL::DATE AS first_day, NULL::DATE AS last_day
FROM stg_districts
UNION ALL SELECT 2, 'streets', count(*), NULL, NULL FROM stg_streets
UNION ALL SELECT 3, 'communities', count(*), NULL, NULL FROM stg_communities
UNION ALL SELECT 4, 'grids', count(*), NULL, NULL FROM stg_grids
UNION ALL SELECT 5, 'hazards', count(*), min(found_date), max(found_date) FROM stg_hazards
UNION ALL SELECT 6, 'inspections', count(*), min(week_start), max(week_start) FROM stg_inspections
UNION ALL SELECT 7, 'resource_norms', count(*), NULL, NULL FROM stg_resource_norms
UNION ALL SELECT 8, 'depots', count(*), NULL, NULL FROM stg_depots
UNION ALL SELECT 9, 'resource_stocks', count(*), NULL, NULL FROM stg_resource_stocks
UNION ALL SELECT 10, 'teams', count(*), min(founded_date), max(founded_date) FROM stg_teams
UNION ALL SELECT 11, 'drills', count(*), min(held_date), max(held_date) FROM stg_drills
UNION ALL SELECT 12, 'social_orgs', count(*), NULL, NULL FROM stg_social_orgs
UNION ALL SELECT 13, 'vulnerable_groups', count(*), NULL, NULL FROM stg_vulnerable_groups
UNION ALL SELECT 14, 'shelters', count(*), NULL, NULL FROM stg_shelters
UNION ALL SELECT 15, 'readiness', count(*), min(last_assessed), max(last_assessed)
    FROM stg_readiness
-- a call's time is Beijing time: its calendar day is the day it was made
UNION ALL SELECT 16, 'whistle_calls', count(*), min(called_at)::DATE, max(called_at)::DATE
    FROM stg_whistle_calls
UNION ALL SELECT 17, 'funding', count(*), NULL, NULL FROM stg_funding
ORDER BY position;
