-- One place of any level by its code, with the path down to it (unit, street, community), for
-- the drill-down's breadcrumb and for checking a code from a link (docs/drill-down.md).
--   $code  a unit's (6 digits), street's (9), community's (12) or grid's (16) code; 410100 is the
--          city. No row: no such place.
-- Each level's table is searched only for a code of its length (the checks hold every code to
-- its pattern's length), so a lookup searches one table, not all four.
-- example: {"code": "410105001002"}
-- example: {"code": "4101050010020001"}
WITH found AS (
    SELECT 'city' AS level, '410100' AS place_code, NULL AS district_code, NULL AS street_code,
           NULL AS community_code
    WHERE $code = '410100'
    UNION ALL
    SELECT 'district', district_code, district_code, NULL, NULL
    FROM dim_district WHERE length($code) = 6 AND district_code = $code
    UNION ALL
    SELECT 'street', street_code, district_code, street_code, NULL
    FROM dim_street WHERE length($code) = 9 AND street_code = $code
    UNION ALL
    SELECT 'community', community_code, district_code, street_code, community_code
    FROM dim_community WHERE length($code) = 12 AND community_code = $code
    UNION ALL
    SELECT 'grid', grid_code, district_code, street_code, community_code
    FROM dim_grid WHERE length($code) = 16 AND grid_code = $code
)
SELECT f.level, f.place_code, f.district_code, f.street_code, f.community_code,
       d.name_zh AS district_zh, d.name_en AS district_en,
       s.name_zh AS street_zh, c.name_zh AS community_zh,
       g.name_zh AS grid_zh, g.name_en AS grid_en
FROM found f
LEFT JOIN dim_district d USING (district_code)
LEFT JOIN dim_street s USING (street_code)
LEFT JOIN dim_community c USING (community_code)
LEFT JOIN dim_grid g ON f.level = 'grid' AND g.grid_code = f.place_code;
